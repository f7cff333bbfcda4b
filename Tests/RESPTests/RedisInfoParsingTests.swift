import Basics
import RESP
import Testing

/// `INFO` text read whole or for a few fields: the keyspace always, the rest only as asked.
@Suite struct RedisInfoParsingTests {
    let text = """
        # Server\r
        redis_version:7.0.15\r
        uptime_in_seconds:42\r
        \r
        # Stats\r
        keyspace_hits:10\r
        keyspace_misses:3\r
        keyspace_hits_total:99\r
        weird line without colon\r
        # Keyspace\r
        db0:keys=5,expires=2,avg_ttl=100\r
        db3:keys=1,expires=0,avg_ttl=0,subexpiry=1\r

        """

    @Test func everyFieldIsKeptWhenNoneAreNamed() {
        let info = RedisInfo(parsing: text)
        #expect(info.fields.count == 7)
        #expect(info.keyspaceHits == 10 && info.uptimeSeconds == 42 && info.version == "7.0.15")
        #expect(info == RedisInfo(parsing: Array(text.utf8)))
    }

    @Test func onlyTheNamedFieldsAndTheKeyspaceAreKept() {
        let info = RedisInfo(parsing: Array(text.utf8), keeping: FieldNames(["keyspace_hits", "uptime_in_seconds", "not_there"]))
        #expect(Set(info.fields.keys) == ["keyspace_hits", "uptime_in_seconds", "db0", "db3"])
        #expect(info.keyspaceHits == 10)
        #expect(info.keyspaceMisses == nil)
        #expect(info.keyspace[0]?.keys == 5 && info.keyspace[3]?.volatileItemKeys == 1)
    }

    @Test func emptyAndBinaryRepliesGiveNoFields() {
        #expect(RedisInfo(parsing: [], keeping: FieldNames(["a"])).fields.isEmpty)
        #expect(RedisInfo(parsing: [0xFF, 0x3A, 0x0A, 0x3A], keeping: FieldNames(["a"])).fields.isEmpty)
    }
}
