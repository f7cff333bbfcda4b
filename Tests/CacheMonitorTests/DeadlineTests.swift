import Foundation
import RESP
import TestSupport
import Testing

@testable import CacheMonitor

/// `withDeadline` is structured: at the deadline the work is cancelled, and a request waiting on a socket stops
/// waiting then — the caller returns at the deadline, before the server answers, with nothing left behind it.
@Suite struct DeadlineTests {
    @Test func aDeadlineEndsTheRequestItWaitsOn() async throws {
        let answered = SlowReply()
        let server = try ScriptedRedisServer { command, _ in
            if command.first?.uppercased() == "SLOW" {
                answered.waitForGate()
                return "+late\r\n"
            }
            return "+OK\r\n"
        }
        defer { server.stop() }
        let client = RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:\(server.port)"), configuration: .init(commandTimeout: .seconds(30)))
        try await client.connect()
        await #expect(throws: MonitorError.deadlineExceeded(.milliseconds(100))) {
            try await withDeadline(.milliseconds(100), clock: ContinuousClock()) { try await client.send(RESPCommand("SLOW")) }
        }
        #expect(!answered.isSet, "returned at the deadline, not when the server answered")
        answered.openGate()
        #expect(try await client.send(RESPCommand("PING")).string == "OK", "the connection goes on")
        await client.close()
    }

    @Test func workDoneInTimeIsReturned() async throws {
        let value = try await withDeadline(.seconds(5), clock: ContinuousClock()) { 42 }
        #expect(value == 42)
        await #expect(throws: MonitorError.cannotRun("no")) {
            try await withDeadline(.seconds(5), clock: ContinuousClock()) { () async throws -> Int in throw MonitorError.cannotRun("no") }
        }
    }
}
