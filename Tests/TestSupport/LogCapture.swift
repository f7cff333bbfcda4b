import Logging
import Synchronization

/// A swift-log handler that keeps messages in memory so tests can assert on warnings.
public final class LogCapture: Sendable {
    private let lines = Mutex<[(Logger.Level, String)]>([])

    public init() {}

    public var messages: [(level: Logger.Level, text: String)] { lines.withLock { $0.map { (level: $0.0, text: $0.1) } } }

    public var logger: Logger {
        Logger(label: "test") { _ in Handler(capture: self) }
    }

    fileprivate func append(_ level: Logger.Level, _ text: String) { lines.withLock { $0.append((level, text)) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let extra = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.append(event.level, "\(event.message) \(extra)")
        }
    }
}
