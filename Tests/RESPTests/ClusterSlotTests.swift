import RESP
import Testing

/// Key → slot, against what redis-server 7.0.15 answers to `CLUSTER KEYSLOT`.
@Suite struct ClusterSlotTests {
    @Test(arguments: [
        ("123456789", 12739),  // CRC16-XMODEM("123456789") = 0x31C3, the standard check value
        ("somekey", 11058),
        ("foo", 12182),
        ("hello", 866),
        ("", 0),
    ])
    func slotsMatchRedis(key: String, slot: Int) {
        #expect(ClusterSlot.of(key) == slot)
    }

    @Test(arguments: [
        ("foo{hash_tag}", 2515),
        ("{hash_tag}", 2515),  // only the tag is hashed
        ("{user1000}.following", 3443),
        ("{user1000}.followers", 3443),
        ("x{b}y{c}", 3300),  // the first tag counts
        ("a{}b", 13694),  // an empty tag means the whole key
        ("{}", 15257),
        ("{a", 10276),  // no closing brace: the whole key
    ])
    func hashTagsFollowRedisRules(key: String, slot: Int) {
        #expect(ClusterSlot.of(key) == slot)
    }

    @Test func bytesThatAreNotUTF8HashAsBytes() {
        let key: [UInt8] = [0xFF, 0x00, 0x7B, 0x61, 0x7D]  // \xFF \x00 {a}
        #expect(ClusterSlot.of(key) == ClusterSlot.of("{a}"))
        #expect((0..<ClusterSlot.count).contains(ClusterSlot.of([0xFE, 0xFF, 0x80])))
    }
}
