import Foundation
import Memcache
import TestSupport
import Testing

/// The client against real memcached servers: the one `scripts/test.sh` starts (shared, so every test
/// uses keys of its own and never flushes it), and servers this suite starts itself.
@Suite(.serialized) struct MemcachedClientTests {
    static let hasMemcached = TestServers.memcached != nil
    static let fast = MemcachedConnection.Configuration(connectTimeout: .milliseconds(800), commandTimeout: .milliseconds(800))

    func client() throws -> MemcachedClient {
        let server = try #require(TestServers.memcached)
        return MemcachedClient(address: MemcachedAddress(host: server.host, port: server.port), configuration: Self.fast)
    }

    func key(_ name: String) -> [UInt8] { Array("mc-test:\(name):\(UUID().uuidString.prefix(8))".utf8) }

    @Test(.enabled(if: hasMemcached, Comment(rawValue: TestServers.skipMessage)))
    func everyStorageCommand() async throws {
        let memcached = try client()
        let (a, b) = (key("a"), key("b"))
        let binary: [UInt8] = [0, 13, 10, 255, 32]
        #expect(try await memcached.store(.set, key: a, value: binary, flags: 7, exptime: 300) == .stored)
        #expect(try await memcached.get([a, b]) == [MemcachedItem(key: a, flags: 7, value: binary)])
        #expect(try await memcached.store(.add, key: a, value: [1]) == .notStored)
        #expect(try await memcached.store(.replace, key: b, value: [1]) == .notStored)
        #expect(try await memcached.store(.add, key: b, value: Array("mid".utf8)) == .stored)
        #expect(try await memcached.store(.append, key: b, value: Array(">".utf8)) == .stored)
        #expect(try await memcached.store(.prepend, key: b, value: Array("<".utf8)) == .stored)
        #expect(try await memcached.get([b]).first?.value == Array("<mid>".utf8))
        #expect(try await memcached.store(.replace, key: b, value: Array("new".utf8), flags: 16) == .stored)

        let cas = try #require(try await memcached.get([b], withCAS: true).first?.casUnique)
        #expect(try await memcached.store(.cas, key: b, value: Array("v2".utf8), casUnique: cas) == .stored)
        #expect(try await memcached.store(.cas, key: b, value: Array("v3".utf8), casUnique: cas) == .exists)
        #expect(try await memcached.store(.cas, key: key("gone"), value: [1], casUnique: cas) == .notFound)

        #expect(try await memcached.delete(a))
        #expect(try await !memcached.delete(a))
        #expect(try await memcached.get([a]).isEmpty)
        _ = try await memcached.delete(b)
        await memcached.close()
    }

    @Test(.enabled(if: hasMemcached, Comment(rawValue: TestServers.skipMessage)))
    func countersTouchVersionAndStats() async throws {
        let memcached = try client()
        let counter = key("n")
        #expect(try await memcached.increment(counter, by: 1) == nil)
        #expect(try await memcached.store(.set, key: counter, value: Array("10".utf8)) == .stored)
        #expect(try await memcached.increment(counter, by: 5) == 15)
        #expect(try await memcached.increment(counter, by: -20) == 0, "memcached's decr stops at zero")
        #expect(try await memcached.touch(counter, exptime: 100))
        #expect(try await !memcached.touch(key("none"), exptime: 100))
        #expect(try await memcached.version().hasPrefix("1."))
        let stats = try await memcached.stats()
        for name in ["get_hits", "get_misses", "curr_items", "limit_maxbytes", "uptime", "time", "version"] {
            #expect(stats.contains { $0.name == name }, "stats has \(name)")
        }
        #expect(try await memcached.stats("items").allSatisfy { $0.name.hasPrefix("items:") })
        #expect(try await memcached.stats("slabs").contains { $0.name == "active_slabs" })
        _ = try await memcached.delete(counter)
        await memcached.close()
    }

    @Test(.enabled(if: hasMemcached, Comment(rawValue: TestServers.skipMessage)))
    func pipelinedBatchesKeepOrderAndErrorsStayInTheirSlot() async throws {
        let memcached = try client()
        let keys = (0..<500).map { key("p\($0)") }
        let replies = try await memcached.send(keys.enumerated().map { try .store(.set, key: $1, value: Array("\($0)".utf8)) })
        #expect(replies.allSatisfy { $0 == .stored })
        let items = try await memcached.get(keys)
        #expect(items.map(\.value) == (0..<500).map { Array("\($0)".utf8) })
        // incr on a non-number is an error reply; the other replies of the batch still arrive.
        let mixed = try await memcached.send([
            try .increment(keys[0], by: 1), try .store(.set, key: keys[1], value: Array("x".utf8)), try .increment(keys[1], by: 1), .version,
        ])
        #expect(mixed[0] == .number(1))
        #expect(mixed[2].error?.code == .clientError)
        if case .version = mixed[3] {} else { Issue.record("expected a version reply, got \(mixed[3])") }
        _ = try await memcached.send(keys.map { try .delete($0) })
        await memcached.close()
    }

    @Test(.enabled(if: hasMemcached, Comment(rawValue: TestServers.skipMessage)))
    func lifetimesOver30DaysAreSentAsDatesAndKeepTheItem() async throws {
        let memcached = try client()
        let long = key("long")
        let exptime = MemcachedExpiry.exptime(seconds: 40 * 86_400)
        #expect(exptime > 1_000_000_000)
        #expect(try await memcached.store(.set, key: long, value: [1], exptime: exptime) == .stored)
        #expect(try await memcached.get([long]).count == 1, "a 40-day item must not expire at once")
        // Sent as a plain number it would mean 1970 and the item would be gone.
        let wrong = key("wrong")
        #expect(try await memcached.store(.set, key: wrong, value: [1], exptime: 40 * 86_400) == .stored)
        #expect(try await memcached.get([wrong]).isEmpty)
        // A one-second item expires.
        let short = key("short")
        #expect(try await memcached.store(.set, key: short, value: [1], exptime: 1) == .stored)
        try await Task.sleep(for: .milliseconds(2100))
        #expect(try await memcached.get([short]).isEmpty)
        _ = try await memcached.delete(long)
        await memcached.close()
    }

    @Test(.enabled(if: hasMemcached, Comment(rawValue: TestServers.skipMessage)))
    func invalidKeysNeverReachTheServer() async throws {
        let memcached = try client()
        await #expect { _ = try await memcached.get([Array("a b".utf8)]) } throws: { ($0 as? MemcachedError)?.code == .invalidKey }
        await #expect { _ = try await memcached.delete(Array(repeating: 0x61, count: 251)) } throws: { ($0 as? MemcachedError)?.code == .invalidKey }
        #expect(try await memcached.version().hasPrefix("1."), "the connection is still in step")
        await memcached.close()
    }

    @Test func flushAllEmptiesTheServer() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let memcached = MemcachedClient(address: try MemcachedAddress(parsing: server.address), configuration: Self.fast)
        #expect(try await memcached.store(.set, key: Array("a".utf8), value: [1]) == .stored)
        try await memcached.flushAll()
        #expect(try await memcached.get([Array("a".utf8)]).isEmpty)
        await memcached.close()
    }

    @Test func nothingListeningIsConnectionRefused() async throws {
        let memcached = MemcachedClient(address: MemcachedAddress(host: "127.0.0.1", port: TestServers.freePort()), configuration: Self.fast)
        await #expect {
            _ = try await memcached.version()
        } throws: { ($0 as? MemcachedError)?.code == .connectionFailed && "\($0)".contains("connection refused") }
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let silent = try SilentServer()
        let memcached = MemcachedClient(address: MemcachedAddress(host: "127.0.0.1", port: silent.port), configuration: Self.fast)
        let started = ContinuousClock.now
        await #expect { _ = try await memcached.version() } throws: { ($0 as? MemcachedError)?.code == .timeout }
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test(.enabled(if: TestServers.redis != nil, Comment(rawValue: TestServers.skipMessage)))
    func aServerThatIsNotMemcachedIsAProtocolViolation() async throws {
        let redis = try #require(TestServers.redis)
        let memcached = MemcachedClient(address: MemcachedAddress(host: redis.host, port: redis.port), configuration: Self.fast)
        await #expect {
            _ = try await memcached.version()
        } throws: { error in
            guard let error = error as? MemcachedError else { return false }
            return (error.code == .protocolViolation || error.code == .timeout) && !error.message.contains("\n")
        }
    }

    @Test func aServerThatStopsAnsweringTimesOutAndWorksAgainAfterwards() async throws {
        guard let server = try MemcachedServerProcess() else { return }
        let memcached = MemcachedClient(address: try MemcachedAddress(parsing: server.address), configuration: Self.fast)
        _ = try await memcached.version()
        server.pause()
        await #expect { _ = try await memcached.version() } throws: { ($0 as? MemcachedError)?.code == .timeout }
        server.resume()
        #expect(try await memcached.version().hasPrefix("1."))
        server.kill()
        do {
            let answer = try await memcached.version()
            Issue.record("a killed server answered '\(answer)' on port \(server.port)")
        } catch {
            #expect(error is MemcachedError)
        }
        try server.start()
        #expect(try await memcached.version().hasPrefix("1."))
        await memcached.close()
    }
}
