import Foundation
import Synchronization

/// A listening socket on a free loopback port whose every connection is served on a thread of its own: the
/// plumbing of the fake servers (``ScriptedRedisServer``, ``FakeConfigurationEndpoint``, ``FakeGuardedMemcached``).
public final class LoopbackListener: Sendable {
    public let port: Int
    private let fd: Int32
    private let stopped = Atomic<Bool>(false)
    private let open = Mutex<Set<Int32>>([])

    public init() throws {
        (fd, port) = try TestServers.listeningSocket()
    }

    /// Accepts connections until ``stop()``, handing each to `serve` on a new thread; the connection is
    /// closed when `serve` returns.
    public func start(serving serve: @escaping @Sendable (Int32) -> Void) {
        Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { return }
                Thread { [self] in
                    open.withLock { _ = $0.insert(connection) }
                    serve(connection)
                    open.withLock { _ = $0.remove(connection) }
                    close(connection)
                }.start()
            }
        }.start()
    }

    /// Stops accepting (open connections end when their client closes them).
    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    /// Drops every open connection, as a crashed server would.
    public func closeConnections() {
        for connection in open.withLock({ $0 }) { shutdown(connection, Int32(SHUT_RDWR)) }
    }

    deinit { stop() }
}
