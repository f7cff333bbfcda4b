/// Where the dashboard's snapshots come from: the live ``Poller``, or a recording played back. What the
/// dashboard asks of it is all here.
package protocol SnapshotFeed: Sendable {
    /// The current snapshot, then each new one, until ``stop()``.
    func snapshots() async -> AsyncStream<Snapshot>
    /// Ends every stream.
    func stop() async
    /// Asks for fresh figures now (a replay has none to ask for).
    func refreshNow() async
    /// Reads `backend`'s health fully while its health screen is open.
    func focusHealth(on backend: BackendID?) async
}

extension Poller: SnapshotFeed {}
