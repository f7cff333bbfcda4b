/// Something that holds connections and must be closed when done: a client, a connection, a cluster client.
public protocol AsyncClosable: Sendable {
    /// Closes its connections; calls waiting on them fail.
    func close() async
}

extension AsyncClosable {
    /// Runs `body` with `self`, then closes it — when `body` returns and when it throws, before the caller
    /// goes on (as NIO's `executeThenClose`): no close is left to a task of its own.
    public func executeThenClose<Result>(_ body: (Self) async throws -> Result) async rethrows -> Result {
        let result: Result
        do {
            result = try await body(self)
        } catch {
            await close()
            throw error
        }
        await close()
        return result
    }
}
