import Foundation
import NIOCore
import TestSupport
import Testing

@testable import RESP

/// The connection and client against real servers: the one `scripts/test.sh` starts, and redis-servers
/// this suite starts itself when it needs a password or a server to kill.
@Suite(.serialized) struct RESPConnectionTests {
    static let hasRedis = TestServers.redis != nil
    static let fast = RESPConnection.Configuration(connectTimeout: .milliseconds(800), commandTimeout: .milliseconds(800))

    func client(database: Int = 0, configuration: RESPConnection.Configuration = fast) throws -> RedisClient {
        RedisClient(url: try RedisURL(parsing: try #require(TestServers.redisURL(database: database))), configuration: configuration)
    }

    @Test(.enabled(if: hasRedis, Comment(rawValue: TestServers.skipMessage)))
    func pingSetAndGetBinaryValues() async throws {
        let redis = try client()
        #expect(try await redis.send("PING") == .simpleString(Array("PONG".utf8)))
        let key: [UInt8] = Array("resp-test:bin \n\u{1}".utf8) + [0xFF]
        let value: [UInt8] = [0, 1, 2, 13, 10, 255]
        try await redis.send(RESPCommand("SET", key: key, [value]))
        #expect(try await redis.send(RESPCommand("GET", key: key)) == .bulkString(value))
        try await redis.send(RESPCommand("DEL", keys: [key]))
        await redis.close()
    }

    @Test(.enabled(if: hasRedis, Comment(rawValue: TestServers.skipMessage)))
    func aBigPipelineAndConcurrentBatchesKeepTheirOrder() async throws {
        let redis = try client(configuration: .init(commandTimeout: .seconds(10)))
        let commands = (0..<10_000).map { RESPCommand("ECHO", ["message \($0)"]) }
        let replies = try await redis.send(commands)
        #expect(replies.count == 10_000)
        #expect(replies.enumerated().allSatisfy { $0.element == .bulkString(Array("message \($0.offset)".utf8)) })
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<20 {
                group.addTask {
                    let batch = (0..<50).map { RESPCommand("ECHO", ["\(task)-\($0)"]) }
                    let replies = try await redis.send(batch)
                    return replies == (0..<50).map { .bulkString(Array("\(task)-\($0)".utf8)) }
                }
            }
            for try await inOrder in group { #expect(inOrder) }
        }
        await redis.close()
    }

    @Test(.enabled(if: hasRedis, Comment(rawValue: TestServers.skipMessage)))
    func errorRepliesAreValuesInABatchAndThrownAlone() async throws {
        let redis = try client()
        let replies = try await redis.send([RESPCommand("NOSUCHCOMMAND"), RESPCommand("PING")])
        #expect(replies[0].errorMessage?.hasPrefix("ERR unknown command") == true)
        #expect(replies[1] == .simpleString(Array("PONG".utf8)))
        await #expect {
            try await redis.send("INCR", "resp-test:not-a-number-\(UUID())", "extra")
        } throws: { ($0 as? RedisError)?.code == .serverError }
        await redis.close()
    }

    @Test(.enabled(if: hasRedis, Comment(rawValue: TestServers.skipMessage)))
    func selectChoosesTheDatabaseAndABadIndexIsAClearError() async throws {
        let db1 = try client(database: 1)
        let db0 = try client()
        let key = "resp-test:db-\(UUID())"
        try await db1.send("SET", key, "one")
        #expect(try await db1.send("GET", key) == .bulkString(Array("one".utf8)))
        #expect(try await db0.send("GET", key) == .null)
        try await db1.send("DEL", key)
        let tooBig = try client(database: 9999)
        await #expect {
            try await tooBig.connect()
        } throws: { error in
            guard let error = error as? RedisError else { return false }
            return error.code == .serverError && error.message.contains("cannot select database 9999") && error.message.contains("out of range")
        }
        await db0.close()
        await db1.close()
    }

    @Test(.enabled(if: hasRedis, Comment(rawValue: TestServers.skipMessage)))
    func aclUsersLogInAndWrongPasswordsAreRefused() async throws {
        let admin = try client()
        let server = try #require(TestServers.redis)
        try await admin.send("ACL", "SETUSER", "cachescope_test", "on", ">right-password", "~*", "+@all")
        let good = RedisClient(
            url: try RedisURL(parsing: "redis://cachescope_test:right-password@\(server.host):\(server.port)"), configuration: Self.fast)
        #expect(try await good.send("ACL", "WHOAMI") == .bulkString(Array("cachescope_test".utf8)))
        let bad = RedisClient(
            url: try RedisURL(parsing: "redis://cachescope_test:wrong-password@\(server.host):\(server.port)"), configuration: Self.fast)
        await #expect {
            try await bad.connect()
        } throws: { error in
            guard let error = error as? RedisError else { return false }
            return error.code == .authenticationFailed && error.message.contains("WRONGPASS") && !error.message.contains("wrong-password")
        }
        let noPasswordConfigured = RedisClient(
            url: try RedisURL(parsing: "redis://:whatever@\(server.host):\(server.port)"), configuration: Self.fast)
        await #expect { try await noPasswordConfigured.connect() } throws: { ($0 as? RedisError)?.code == .authenticationFailed }
        try await admin.send("ACL", "DELUSER", "cachescope_test")
        await good.close()
        await admin.close()
    }

    @Test func aPasswordProtectedServerNeedsThePassword() async throws {
        guard let server = try RedisServerProcess(arguments: ["--requirepass", "s3cret"]) else { return }
        let anonymous = RedisClient(url: try RedisURL(parsing: server.url()), configuration: Self.fast)
        await #expect {
            try await anonymous.connect()
        } throws: { error in
            (error as? RedisError)?.code == .authenticationFailed && "\(error)".contains("NOAUTH")
        }
        let wrong = RedisClient(url: try RedisURL(parsing: server.url(password: "nope")), configuration: Self.fast)
        await #expect { try await wrong.connect() } throws: { ($0 as? RedisError)?.code == .authenticationFailed }
        let right = RedisClient(url: try RedisURL(parsing: server.url(password: "s3cret")), configuration: Self.fast)
        #expect(try await right.send("PING") == .simpleString(Array("PONG".utf8)))
        await right.close()
    }

    @Test func resp3IsSpokenAfterHello3() async throws {
        guard let server = try RedisServerProcess() else { return }
        var configuration = Self.fast
        configuration.protocolVersion = 3
        let redis = RedisClient(url: try RedisURL(parsing: server.url()), configuration: configuration)
        try await redis.send("HSET", "h", "field", "value")
        let reply = try await redis.send("HGETALL", "h")
        #expect(reply == .map([.init(key: .bulkString(Array("field".utf8)), value: .bulkString(Array("value".utf8)))]))
        #expect(try await redis.send("EXISTS", "h") == .integer(1))
        await redis.close()
    }

    @Test func unixSocketsWork() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-\(UUID().uuidString.prefix(8)).sock").path
        guard let server = try RedisServerProcess(arguments: ["--unixsocket", path, "--unixsocketperm", "700"]) else { return }
        let redis = RedisClient(url: try RedisURL(parsing: "unix://\(path)?db=3"), configuration: Self.fast)
        #expect(try await redis.send("PING") == .simpleString(Array("PONG".utf8)))
        try await redis.send("SET", "k", "v")
        let tcp = RedisClient(url: try RedisURL(parsing: server.url(database: 3)))
        #expect(try await tcp.send("GET", "k") == .bulkString(Array("v".utf8)), "the socket URL selected database 3")
        await redis.close()
        await tcp.close()
    }

    @Test func nothingListeningIsConnectionRefused() async throws {
        let redis = RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:\(TestServers.freePort())"), configuration: Self.fast)
        await #expect {
            try await redis.send("PING")
        } throws: { error in
            (error as? RedisError)?.code == .connectionFailed && "\(error)".contains("connection refused")
        }
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let silent = try SilentServer()
        let redis = RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:\(silent.port)"), configuration: Self.fast)
        let started = ContinuousClock.now
        await #expect { try await redis.send("PING") } throws: { ($0 as? RedisError)?.code == .timeout }
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test(.enabled(if: TestServers.memcached != nil, Comment(rawValue: TestServers.skipMessage)))
    func aServerThatIsNotRedisIsAProtocolViolation() async throws {
        let memcached = try #require(TestServers.memcached)
        let redis = RedisClient(url: try RedisURL(parsing: "redis://\(memcached.host):\(memcached.port)"), configuration: Self.fast)
        await #expect {
            try await redis.send("PING")
        } throws: { error in
            (error as? RedisError)?.code == .protocolViolation && "\(error)".contains("does not speak RESP")
        }
    }

    @Test func aServerThatStopsAnsweringTimesOutAndACommandAfterResumeReconnects() async throws {
        guard let server = try RedisServerProcess() else { return }
        let redis = RedisClient(url: try RedisURL(parsing: server.url()), configuration: Self.fast)
        try await redis.send("PING")
        server.pause()
        await #expect { try await redis.send("PING") } throws: { ($0 as? RedisError)?.code == .timeout }
        server.resume()
        #expect(try await redis.send("PING") == .simpleString(Array("PONG".utf8)))
        await redis.close()
    }

    @Test func aServerKilledMidPipelineFailsTheBatchAndARestartedServerIsReachedAgain() async throws {
        guard let server = try RedisServerProcess() else { return }
        let redis = RedisClient(url: try RedisURL(parsing: server.url()), configuration: .init(commandTimeout: .seconds(30)))
        try await redis.send("PING")
        // The server answers SET, then blocks on BLPOP: the batch is certainly in flight when it dies.
        let batch = [RESPCommand("SET", ["a", "1"]), RESPCommand("BLPOP", ["empty-list", 20]), RESPCommand("GET", ["a"])]
        let pipeline = Task { try await redis.send(batch) }
        try await Task.sleep(for: .milliseconds(200))
        server.kill()
        await #expect {
            _ = try await pipeline.value
        } throws: { error in
            guard let error = error as? RedisError else { return false }
            return error.code == .connectionClosed || error.code == .connectionFailed
        }
        await #expect(throws: RedisError.self) { try await redis.send("PING") }
        try server.start()
        #expect(try await redis.send("PING") == .simpleString(Array("PONG".utf8)))
        await redis.close()
    }

    @Test func aClosedClientRefusesWork() async throws {
        let redis = RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:1"))
        await redis.close()
        await #expect { try await redis.send("PING") } throws: { ($0 as? RedisError)?.code == .connectionClosed }
    }
}
