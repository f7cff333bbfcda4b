import Memcache
import NIOCore
import Testing

@Suite("memcached addresses, keys, expiry, ketama")
struct MemcachedBasicsTests {
    @Test func addressesParse() throws {
        #expect(try MemcachedAddress(parsing: "cache.local").description == "cache.local:11211")
        #expect(try MemcachedAddress(parsing: " 10.0.0.6:11212 ").endpoint == .tcp(host: "10.0.0.6", port: 11212))
        #expect(try MemcachedAddress(parsing: "[::1]:11300").description == "[::1]:11300")
        #expect(try MemcachedAddress(parsing: "[::1]").endpoint == .tcp(host: "::1", port: 11211))
        #expect(try MemcachedAddress(parsing: "memcached://h:1").endpoint == .tcp(host: "h", port: 1))
        #expect(try MemcachedAddress(parsing: "/run/memcached.sock").endpoint == .unix(path: "/run/memcached.sock"))
        #expect(try MemcachedAddress.parseList("a:1,b:2").map(\.description) == ["a:1", "b:2"])
    }

    @Test(arguments: ["", "h:0", "h:65536", "h:port", "::1", "[::1", "[::1]x", ":11211", "a b:1", "user@h:1"])
    func badAddressesAreRefusedWithOneLine(text: String) {
        #expect {
            _ = try MemcachedAddress(parsing: text)
        } throws: { error in
            guard let error = error as? MemcachedError else { return false }
            return error.code == .invalidAddress && !error.message.contains("\n")
        }
    }

    @Test(arguments: ["a:1,", ",a:1", "a:1,,b:2", "a:1,a:1", "a:1,b:x"])
    func badListsAreRefused(text: String) {
        #expect(throws: MemcachedError.self) { _ = try MemcachedAddress.parseList(text) }
    }

    @Test func keysAreValidatedBeforeAnythingIsSent() throws {
        try MemcachedKey.validate(Array("user:42/ok~é".utf8))
        try MemcachedKey.validate(Array(repeating: UInt8(ascii: "k"), count: 250))
        for bad in [[], Array(repeating: UInt8(ascii: "k"), count: 251), Array("a b".utf8), Array("a\r\nflush_all".utf8), [0x61, 0x00], [0x7F]] {
            #expect(throws: MemcachedError.self) { try MemcachedKey.validate(bad) }
            #expect(throws: MemcachedError.self) { _ = try MemcachedCommand.get([bad]) }
            #expect(throws: MemcachedError.self) { _ = try MemcachedCommand.store(.set, key: bad, value: [1]) }
            #expect(throws: MemcachedError.self) { _ = try MemcachedCommand.delete(bad) }
        }
    }

    @Test func commandsEncodeAsTheProtocolSays() throws {
        func wire(_ command: MemcachedCommand) -> String {
            var buffer = ByteBuffer()
            buffer.writeMemcachedCommand(command)
            return String(buffer: buffer)
        }
        #expect(wire(try .get([Array("a".utf8), Array("b".utf8)])) == "get a b\r\n")
        #expect(wire(try .get([Array("a".utf8)], withCAS: true)) == "gets a\r\n")
        #expect(wire(try .store(.set, key: Array("k".utf8), value: Array("v\r\n".utf8), flags: 16, exptime: 300)) == "set k 16 300 3\r\nv\r\n\r\n")
        #expect(wire(try .store(.cas, key: Array("k".utf8), value: [], exptime: 0, casUnique: 77)) == "cas k 0 0 0 77\r\n\r\n")
        #expect(wire(try .increment(Array("n".utf8), by: 5)) == "incr n 5\r\n")
        #expect(wire(try .decrement(Array("n".utf8), by: 2)) == "decr n 2\r\n")
        #expect(wire(try .touch(Array("n".utf8), exptime: 10)) == "touch n 10\r\n")
        #expect(wire(.flushAll()) == "flush_all\r\n")
        #expect(wire(.stats("items")) == "stats items\r\n")
        #expect(wire(.stats("slabs\r\nflush_all")) == "stats slabsflush_all\r\n")
    }

    @Test func expiryConversion() {
        let now = 1_800_000_000.0
        #expect(MemcachedExpiry.exptime(seconds: nil, now: now) == 0)
        #expect(MemcachedExpiry.exptime(seconds: 0, now: now) == 0)
        #expect(MemcachedExpiry.exptime(seconds: 0.2, now: now) == 1)
        #expect(MemcachedExpiry.exptime(seconds: 300, now: now) == 300)
        #expect(MemcachedExpiry.exptime(seconds: 2_592_000, now: now) == 2_592_000)
        // Over 30 days: an absolute unix time.
        #expect(MemcachedExpiry.exptime(seconds: 2_592_001, now: now) == 1_802_592_001)
        #expect(MemcachedExpiry.exptime(seconds: 40 * 86_400, now: now) == 1_800_000_000 + 3_456_000)
        #expect(MemcachedExpiry.exptime(seconds: -5, now: now) == -1)
    }

    @Test func ketamaSpreadsKeysAndMovesFewWhenAServerIsAdded() {
        let three = KetamaRing(serverNames: ["10.0.0.1:11211", "10.0.0.2:11211", "10.0.0.3:11211"])
        let four = KetamaRing(serverNames: ["10.0.0.1:11211", "10.0.0.2:11211", "10.0.0.3:11211", "10.0.0.4:11211"])
        var counts = [0, 0, 0]
        var moved = 0
        let keys = (0..<30_000).map { Array("key:\($0)".utf8) }
        for key in keys {
            let server = three.server(for: key)
            counts[server] += 1
            let after = four.server(for: key)
            if after != server {
                moved += 1
                #expect(after == 3, "a key may only move to the new server")
            }
        }
        for count in counts { #expect(count > 7_000 && count < 13_000, "\(counts)") }
        #expect(moved > 4_000 && moved < 11_000, "about a quarter should move, moved \(moved)")
        // Stable: the same key always lands on the same server.
        #expect(keys.prefix(100).map { three.server(for: $0) } == keys.prefix(100).map { three.server(for: $0) })
        #expect(KetamaRing(serverNames: ["only:1"]).server(for: Array("x".utf8)) == 0)
    }
}

/// memcached's error codes match like cases, name themselves and say whether the connection is lost.
@Suite struct MemcachedErrorCodeTests {
    @Test func codesMatchLikeCasesAndNameThemselves() {
        let error = MemcachedError(.crawlerBusy, "busy")
        let matched: Bool =
            switch error.code {
            case .crawlerBusy: true
            default: false
            }
        #expect(matched && "\(error.code)" == "crawlerBusy")
        #expect(MemcachedError(.connectionClosed, "").breaksConnection && !MemcachedError(.invalidKey, "").breaksConnection)
    }
}
