import Testing

@testable import CacheMonitor

/// The two event streams read line by line: memcached's `watch` lines and Redis's `MONITOR` lines, and
/// which keys a Redis command reads and writes.
@Suite struct TrafficStreamParsingTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func watch(_ line: String) -> WatchLine {
        Array(line.utf8).withUnsafeBytes { WatchLine.parse($0) }
    }

    @Test func watchLinesAsMemcached16WritesThem() {
        #expect(
            watch("ts=1796185080.956719 gid=4 type=item_get key=a%3A1 status=found clsid=1 cfd=25 size=1")
                == .fetch(key: bytes("a:1"), found: true, connection: 25))
        #expect(
            watch("ts=1796185081.7061 gid=5 type=item_get key=a%3A2 status=not_found clsid=0 cfd=25 size=0")
                == .fetch(key: bytes("a:2"), found: false, connection: 25))
        #expect(
            watch("ts=1796185080.907053 gid=3 type=item_store key=a%3A1 status=stored cmd=set ttl=300 clsid=1 cfd=25 size=1")
                == .store(key: bytes("a:1"), connection: 25))
        // A key with a literal `%20` arrives as `%2520`.
        #expect(
            watch("ts=1 gid=1 type=item_get key=k%2520sp status=not_found clsid=0 cfd=9 size=0")
                == .fetch(key: bytes("k%20sp"), found: false, connection: 9))
        #expect(watch("skipped=1234") == .skipped(1234))
        #expect(watch("OK") == .other)
        #expect(watch("ts=1 gid=2 type=deleted key=a status=ok cfd=3") == .other)
    }

    @Test func garbageWatchLinesAreUnreadableNeverACrash() {
        for line in ["", "hello", "ts=1 gid=1 type=item_get", "ts=1 type=item_get key=a status=found cfd=x", "skipped=x", "ts=", "\u{0}\u{FF}"] {
            let parsed = watch(line)
            #expect(parsed == .unreadable || parsed == .other, "\(line)")
        }
    }

    @Test func aStoreIsNotCountedAsTheMissOfItsLookup() {
        var pairing = WatchEventPairing()
        var events: [String] = []
        func take(_ line: WatchLine) {
            pairing.take(line) { key, event in events.append("\(String(decoding: key, as: UTF8.self)) \(event)") }
        }
        // set a:1 (lookup + store), get a:1 a:2 on connection 25; a get on connection 26 in between.
        take(.fetch(key: bytes("a:1"), found: false, connection: 25))
        take(.fetch(key: bytes("b"), found: true, connection: 26))
        take(.store(key: bytes("a:1"), connection: 25))
        take(.fetch(key: bytes("a:1"), found: true, connection: 25))
        take(.fetch(key: bytes("a:2"), found: false, connection: 25))
        // A delete logs only its lookup: a read.
        take(.fetch(key: bytes("a:1"), found: true, connection: 25))
        pairing.flush { key, event in events.append("\(String(decoding: key, as: UTF8.self)) \(event)") }
        #expect(
            events.sorted() == [
                "a:1 read(hit: Optional(true))", "a:1 read(hit: Optional(true))", "a:1 write", "a:2 read(hit: Optional(false))",
                "b read(hit: Optional(true))",
            ])
    }

    @Test func monitorLinesWithEveryEscape() throws {
        let line = try #require(MonitorLine.parse(bytes(#"1700000000.123456 [3 127.0.0.1:52341] "SET" "a\"b\\c\n\x00\xff" "v w""#)))
        #expect(line.database == 3)
        #expect(line.client == bytes("127.0.0.1:52341"))
        #expect(abs(line.timestamp - 1_700_000_000.123456) < 1e-6)
        #expect(line.arguments == [bytes("SET"), [0x61, 0x22, 0x62, 0x5C, 0x63, 0x0A, 0x00, 0xFF], bytes("v w")])
        let script = try #require(MonitorLine.parse(bytes(#"1700000000.5 [0 lua] "get" "k""#)))
        #expect(script.client == bytes("lua"))
        let socket = try #require(MonitorLine.parse(bytes(#"1700000000.5 [0 unix:/tmp/redis.sock] "GET" "k""#)))
        #expect(socket.client == bytes("unix:/tmp/redis.sock"))
        #expect(socket.arguments[1] == bytes("k"))
    }

    @Test func garbageMonitorLinesAreRefused() {
        for line in ["", "OK", "1700 [0 a] GET k", #"1700.1 [x a] "GET""#, #"1700.1 [0 a] "GET"#, #"1700.1 [0 a] "GET" "\x4""#, #"x.1 [0 a] "GET""#] {
            #expect(MonitorLine.parse(bytes(line)) == nil, "\(line)")
        }
    }

    func events(_ arguments: String...) -> [String] {
        var out: [String] = []
        RedisTrafficCommands.events(arguments.map(bytes)) { key, event in out.append("\(String(decoding: key, as: UTF8.self)) \(event)") }
        return out
    }

    @Test func redisCommandsCountTheirKeys() {
        #expect(events("GET", "a") == ["a read(hit: nil)"])
        #expect(events("get", "a") == ["a read(hit: nil)"])
        #expect(events("MGET", "a", "b") == ["a read(hit: nil)", "b read(hit: nil)"])
        #expect(events("EXISTS", "a", "b") == ["a read(hit: nil)", "b read(hit: nil)"])
        #expect(events("SET", "a", "1", "EX", "60") == ["a write"])
        #expect(events("SET", "a", "1", "get") == ["a read(hit: nil)", "a write"])
        #expect(events("GETDEL", "a") == ["a read(hit: nil)", "a write"])
        #expect(events("MSET", "a", "1", "b", "2") == ["a write", "b write"])
        #expect(events("DEL", "a", "b") == ["a write", "b write"])
        #expect(events("SINTERCARD", "2", "a", "b", "LIMIT", "5") == ["a read(hit: nil)", "b read(hit: nil)"])
        #expect(events("XREAD", "COUNT", "2", "STREAMS", "s1", "s2", "0", "0") == ["s1 read(hit: nil)", "s2 read(hit: nil)"])
        // Not keyed reads, or no key-miss event: not counted as reads.
        #expect(events("OBJECT", "FREQ", "a").isEmpty)
        #expect(events("PING").isEmpty)
        #expect(events("INCR", "a") == ["a write"])
        #expect(events("GET").isEmpty)
        #expect(events("SINTERCARD", "x", "a").isEmpty)
    }
}
