import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a stop request while a sample runs, so it ends the normal way (settings
/// put back, partial figures printed); ``restore()`` gives the signals back their default action.
final class StopOnSignals {
    private let sources: [any DispatchSourceSignal]

    init(_ stop: @escaping @Sendable () -> Void) {
        sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler(handler: stop)
            source.resume()
            return source
        }
    }

    func restore() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// A stop asked from a signal handler, read by a loop.
final class StopSignal: Sendable {
    private let requested = Mutex(false)

    func request() { requested.withLock { $0 = true } }

    var isRequested: Bool { requested.withLock { $0 } }
}
