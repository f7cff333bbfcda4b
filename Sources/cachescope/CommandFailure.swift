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
