import Foundation
import Synchronization

/// A fake Redis server on a loopback port whose every answer comes from a script: for tests of what real
/// servers rarely do on cue (`MOVED`, `ASK`, odd topologies). Each command arrives as its words, with the
/// previous command of the same connection (to check that `ASKING` came first); the script returns the raw
/// RESP reply. Commands are logged in arrival order.
public final class ScriptedRedisServer: @unchecked Sendable {
    public typealias Script = @Sendable (_ command: [String], _ previousOnConnection: [String]?) -> String

    public var port: Int { listener.port }
    private let listener: LoopbackListener
    private let script: Script
    private let received = Mutex<[[String]]>([])

    public init(script: @escaping Script) throws {
        listener = try LoopbackListener()
        self.script = script
        listener.start { [self] in serve($0) }
    }

    /// Every command received so far, in order.
    public var commands: [[String]] { received.withLock { $0 } }

    /// Stops accepting (open connections end when their client closes them).
    public func stop() { listener.stop() }

    /// Drops every open connection, as a crashed server would.
    public func closeConnections() { listener.closeConnections() }

    deinit { listener.closeConnections() }

    private func serve(_ connection: Int32) {
        var buffer: [UInt8] = []
        var previous: [String]?
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return }
            buffer += chunk[..<count]
            var replies: [UInt8] = []
            while let (command, used) = Self.parseCommand(buffer) {
                buffer.removeFirst(used)
                received.withLock { $0.append(command) }
                replies += Array(script(command, previous).utf8)
                previous = command
            }
            if !replies.isEmpty {
                var sent = 0
                while sent < replies.count {
                    let written = replies[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    guard written > 0 else { return }
                    sent += written
                }
            }
        }
    }

    /// One `*N $len word …` command at the start of `buffer`, and how many bytes it used; `nil` when incomplete.
    static func parseCommand(_ buffer: [UInt8]) -> ([String], Int)? {
        func line(from start: Int) -> (String, Int)? {
            var index = start
            while index + 1 < buffer.count {
                if buffer[index] == 13 && buffer[index + 1] == 10 { return (String(decoding: buffer[start..<index], as: UTF8.self), index + 2) }
                index += 1
            }
            return nil
        }
        guard buffer.first == UInt8(ascii: "*"), let (header, afterHeader) = line(from: 1), let count = Int(header) else { return nil }
        var words: [String] = []
        var position = afterHeader
        for _ in 0..<count {
            guard position < buffer.count, buffer[position] == UInt8(ascii: "$"), let (lengthText, afterLength) = line(from: position + 1),
                let length = Int(lengthText), afterLength + length + 2 <= buffer.count
            else { return nil }
            words.append(String(decoding: buffer[afterLength..<(afterLength + length)], as: UTF8.self))
            position = afterLength + length + 2
        }
        return (words, position)
    }
}

/// RESP reply text for scripts.
public enum RESPReply {
    public static func simple(_ text: String) -> String { "+\(text)\r\n" }
    public static func error(_ text: String) -> String { "-\(text)\r\n" }
    public static func integer(_ value: Int) -> String { ":\(value)\r\n" }
    public static func bulk(_ text: String?) -> String { text.map { "$\($0.utf8.count)\r\n\($0)\r\n" } ?? "$-1\r\n" }
    public static func array(_ elements: [String]) -> String { "*\(elements.count)\r\n" + elements.joined() }

    /// A `CLUSTER SLOTS` reply: each range served by one master.
    public static func clusterSlots(_ ranges: [(ClosedRange<Int>, host: String, port: Int)]) -> String {
        array(
            ranges.map { range in
                array([
                    integer(range.0.lowerBound), integer(range.0.upperBound),
                    array([bulk(range.host), integer(range.port), bulk(String(repeating: "a", count: 40))]),
                ])
            })
    }
}
