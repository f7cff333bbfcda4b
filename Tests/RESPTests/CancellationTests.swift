import Foundation
import TestSupport
import Testing

@testable import RESP

/// Requests honour task cancellation: a cancelled caller stops waiting at once — before the server answers —
/// and the pipeline keeps its order: the late reply goes to the request it answers, not to the next one.
@Suite struct CancellationTests {
    /// A server that answers `SLOW` only once the test opens the gate (and says when it did), everything else
    /// at once, one connection's commands in order, as Redis does.
    static func slowServer(_ answered: SlowReply) throws -> ScriptedRedisServer {
        try ScriptedRedisServer { command, _ in
            switch command.first?.uppercased() {
            case "SLOW":
                answered.waitForGate()
                return "+late\r\n"
            case "ECHO":
                let text = command.count > 1 ? command[1] : ""
                return "$\(text.utf8.count)\r\n\(text)\r\n"
            default:
                return "+OK\r\n"
            }
        }
    }

    @Test func aCancelledRequestStopsWaitingAndTheNextGetsItsOwnReply() async throws {
        let answered = SlowReply()
        let server = try Self.slowServer(answered)
        defer { server.stop() }
        let client = RedisClient(
            url: try RedisURL(parsing: "redis://127.0.0.1:\(server.port)"), configuration: .init(commandTimeout: .seconds(30)))
        try await client.connect()
        let slow = Task { try await client.send(RESPCommand("SLOW")) }
        try await Task.sleep(for: .milliseconds(100))
        slow.cancel()
        await #expect(throws: CancellationError.self) { try await slow.value }
        #expect(!answered.isSet, "it stopped waiting when cancelled, before the server answered")
        answered.openGate()
        let echoed = try await client.send(RESPCommand("ECHO", ["after"]))
        #expect(answered.isSet)
        #expect(echoed.string == "after", "the late reply went to the cancelled request")
        #expect(server.commands.map { $0.first?.uppercased() }.suffix(2) == ["SLOW", "ECHO"])
        await client.close()
    }

    @Test func aRequestCancelledBeforeItIsSentNeverWaits() async throws {
        let answered = SlowReply()
        let server = try Self.slowServer(answered)
        defer { server.stop() }
        let client = RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:\(server.port)"))
        try await client.connect()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(RESPCommand("SLOW"))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(!answered.isSet)
        answered.openGate()
        #expect(try await client.send(RESPCommand("ECHO", ["next"])).string == "next")
        await client.close()
    }
}
