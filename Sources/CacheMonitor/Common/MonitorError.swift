import Basics

/// Every failure CacheMonitor raises itself (not a server's, which keep their clients' errors): a case to
/// match on, and one line for people as its ``description``.
package enum MonitorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A backend list or selection that cannot be used (a bad `--redis` URL, two backends of one name, no
    /// backend by that name).
    case invalidBackend(String)
    /// Delimiters that cannot be used (`delimiters =`).
    case invalidDelimiters(String)
    /// A key written in the escape form that cannot be read back.
    case invalidKeyText(text: String, reason: String)
    /// A feature the backend does not offer, or that its servers refused (the server's words).
    case unavailable(String)
    /// A server (empty for a backend that is not made of servers) refused what `feature` needs: how a port
    /// reports it, so the backend keeps the answer (``MonitoredBackend/answers``).
    case refused(BackendFeature, server: String, Refusal)
    /// `--read-only` refused a change; nothing was touched.
    case readOnly
    /// A change that cannot run (no backend, no demo, …).
    case cannotRun(String)
    /// Work that did not finish in time.
    case deadlineExceeded(Duration)
    /// A server's stats could not be read.
    case serverUnreadable(String)

    package var description: String {
        switch self {
        case .invalidBackend(let message), .invalidDelimiters(let message), .unavailable(let message), .cannotRun(let message),
            .serverUnreadable(let message):
            message
        case .invalidKeyText(let text, let reason): "invalid key '\(text)': \(reason)"
        case .refused(_, let server, let refusal): server.isEmpty ? refusal.description : "\(server): \(refusal.description)"
        case .readOnly: "refused: read-only mode is on; nothing was touched"
        case .deadlineExceeded(let timeout): "no answer within \(DurationText.limit(timeout))"
        }
    }

    /// The one-line message (``description``).
    package var message: String { description }
}
