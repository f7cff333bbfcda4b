import Basics
import CacheMonitor
import Memcache
import RESP

/// How `cachescope` exits — the documented contract for scripts.
enum ExitStatus: Int32 {
    /// Done.
    case done = 0
    /// A backend failed: unreachable, authentication, protocol, timeout.
    case backendFailed = 1
    /// Usage or configuration error.
    case usage = 2
    /// Refused because of `--read-only`; nothing was touched.
    case readOnly = 3

    /// The paragraph every command's `--help` ends with.
    static let documentation = """
        Exit codes: 0 done; 1 a backend failed (unreachable, authentication, protocol, timeout); \
        2 usage or configuration error; 3 refused because of --read-only (nothing is touched).
        """
}

/// A failure reported as one line on standard error, with its exit status.
struct CommandFailure: Error {
    var status: ExitStatus
    var message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }
}

extension CommandFailure {
    /// The one-line failure for an error a backend raised, naming the backend; `nil` for other errors.
    /// A key the backend cannot carry (memcached: spaces, over 250 bytes) is a usage error.
    static func backend(_ error: any Error, name: String, address: String) -> CommandFailure? {
        let place = "\(name) (\(address))"
        if let error = error as? RedisError { return CommandFailure(.backendFailed, "\(place): \(error.message)") }
        if let error = error as? MemcachedError {
            return CommandFailure(error.code == .invalidKey ? .usage : .backendFailed, "\(place): \(error.message)")
        }
        return nil
    }

    /// Runs `body`, turning backend errors into one-line failures for `source`.
    static func reporting<T>(_ name: String, _ address: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw backend(error, name: name, address: address) ?? error
        }
    }
}

extension MonitoredBackend {
    /// The port of `feature` for a command, or the usage error (exit 2) saying why this backend cannot: what
    /// its type lacks, or its servers' refusals.
    func commandPort<Port>(_ path: KeyPath<MonitoredBackend, Port?>, for feature: BackendFeature) throws -> Port {
        do {
            return try port(path, for: feature)
        } catch {
            throw CommandFailure(.usage, "\(name) (\(address)): \(ErrorText.oneLine(error))")
        }
    }
}
