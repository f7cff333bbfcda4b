/// Whether the monitor can read a backend: exactly `up`, `down`, `auth_failed` or `connecting` — the
/// strings `snapshot --json` prints.
package enum BackendStatus: String, Sendable, Hashable {
    /// The last sample succeeded.
    case up
    /// The last sample failed: unreachable, timed out, not the expected protocol.
    case down
    /// The server refused the credentials.
    case authFailed = "auth_failed"
    /// No sample has finished yet.
    case connecting
}
