import Hummingbird
import Logging
import NIOCore

/// The demo app served on loopback. Asked for a port that is taken, it serves on a free one instead and
/// says so (``note``).
package final class DemoServer: Sendable {
    package let host: String
    /// The port it listens on.
    package let port: Int
    /// Set when the requested port was taken: what happened and where the app went instead.
    package let note: String?
    private let task: Task<Void, Never>

    private init(host: String, port: Int, note: String?, task: Task<Void, Never>) {
        self.host = host
        self.port = port
        self.note = note
        self.task = task
    }

    /// `http://127.0.0.1:5000`.
    package var url: String { "http://\(host):\(port)" }

    /// Starts serving `demo` on `host:port` (port 0: any free port); returns once it accepts connections.
    package static func start(_ demo: DemoApp, host: String = "127.0.0.1", port: Int = 5000) async throws -> DemoServer {
        do {
            return try await serve(demo, host: host, port: port, note: nil)
        } catch let error where port != 0 {
            let reason = String(describing: error)
            let server = try await serve(demo, host: host, port: 0, note: nil)
            let note = "port \(port) is taken (\(Self.shortReason(reason))); the demo app serves on \(server.url) instead"
            return DemoServer(host: host, port: server.port, note: note, task: server.task)
        }
    }

    /// Stops serving (connections in flight are closed).
    package func stop() async {
        task.cancel()
        await task.value
    }

    private static func serve(_ demo: DemoApp, host: String, port: Int, note: String?) async throws -> DemoServer {
        let (events, continuation) = AsyncStream.makeStream(of: Result<Int, any Error>.self)
        // Quiet: the dashboard owns the terminal, and a log line would tear its screen.
        let logger = Logger(label: "cachescope.demo") { _ in SwiftLogNoOpLogHandler() }
        let application = Application(
            responder: demo.responder(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in continuation.yield(.success(channel.localAddress?.port ?? port)) },
            logger: logger
        )
        let task = Task {
            do {
                try await application.run()
                continuation.yield(.failure(DemoServerError.stopped))
            } catch {
                continuation.yield(.failure(error))
            }
            continuation.finish()
        }
        for await event in events {
            switch event {
            case .success(let boundPort):
                return DemoServer(host: host, port: boundPort, note: note, task: task)
            case .failure(let error):
                throw error
            }
        }
        throw DemoServerError.stopped
    }

    private static func shortReason(_ text: String) -> String {
        if text.contains("Address already in use") || text.contains("EADDRINUSE") { return "address already in use" }
        return String(text.prefix(80))
    }
}

/// Why the demo app is not serving.
package enum DemoServerError: Error, CustomStringConvertible {
    case stopped

    package var description: String { "the demo app stopped" }
}
