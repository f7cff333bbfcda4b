import Foundation
import Synchronization

/// A fake memcached auto-discovery configuration endpoint (as ElastiCache's, which tests cannot reach): it
/// answers `version` and `config get cluster` with the node list a test sets — and `ERROR` to anything else.
public final class FakeConfigurationEndpoint: @unchecked Sendable {
    public var port: Int { listener.port }
    private let listener: LoopbackListener
    private let state = Mutex<(version: Int, nodes: [String], asked: Int)>((1, [], 0))

    /// `nodes` as `host:port`.
    public init(nodes: [String]) throws {
        listener = try LoopbackListener()
        state.withLock { $0.nodes = nodes }
        listener.start { [self] in serve($0) }
    }

    /// Changes the node list (and its version), as a cluster that gained or lost a node.
    public func setNodes(_ nodes: [String]) {
        state.withLock {
            $0.nodes = nodes
            $0.version += 1
        }
    }

    /// How many times `config get cluster` was asked.
    public var timesAsked: Int { state.withLock { $0.asked } }

    public func stop() { listener.stop() }

    private func serve(_ connection: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return }
            buffer += chunk[..<count]
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                buffer.removeFirst(newline + 1)
                let reply = answer(line)
                let written = reply.utf8CString.withUnsafeBytes { send(connection, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { return }
            }
        }
    }

    private func answer(_ line: String) -> String {
        switch line {
        case "version": return "VERSION 1.6.18\r\n"
        case "config get cluster":
            let (version, nodes) = state.withLock { state in
                state.asked += 1
                return (state.version, state.nodes)
            }
            let list = nodes.map { node -> String in
                let parts = node.split(separator: ":")
                return "\(parts[0])|\(parts[0])|\(parts.count > 1 ? parts[1] : "11211")"
            }
            let body = "\(version)\n\(list.joined(separator: " "))\n"
            return "CONFIG cluster 0 \(body.utf8.count)\r\n\(body)\r\nEND\r\n"
        default: return "ERROR\r\n"
        }
    }
}
