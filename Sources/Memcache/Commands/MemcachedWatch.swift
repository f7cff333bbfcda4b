import ConnectionSupport

/// memcached's log stream (`watch`, memcached ≥ 1.5): on a connection of its own, the server sends one line
/// per event of the kinds asked for (`fetchers`, `mutations`…) until the connection closes. It changes
/// nothing on the server; a watcher that reads too slowly gets `skipped=N` lines instead of the events.
public enum MemcachedWatch {
    /// Opens a watch for `kinds` (`["fetchers", "mutations"]`); every event line goes to `onLine` (without
    /// its line end), on the connection's event loop.
    /// - Throws: ``MemcachedError`` `.connectionFailed`/`.timeout`, or `.serverError` when the server
    ///   refuses `watch` (an old memcached, a proxy).
    public static func open(
        _ address: MemcachedAddress, kinds: [String], timeout: Duration, onLine: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
        onOverlong: @escaping @Sendable () -> Void = {}
    ) async throws -> LineStreamConnection {
        let endpoint: ServerEndpoint
        switch address.endpoint {
        case .tcp(let host, let port): endpoint = .tcp(host: host, port: port)
        case .unix(let path): endpoint = .unix(path: path)
        }
        let request = "watch " + kinds.joined(separator: " ")
        let opened: (connection: LineStreamConnection, firstLine: [UInt8])
        do {
            opened = try await LineStreamConnection.open(
                to: endpoint, peer: address.description, timeout: timeout, request: Array((request + "\r\n").utf8), onLine: onLine,
                onOverlong: onOverlong)
        } catch let failure as ConnectFailure {
            throw MemcachedError(failure.timedOut ? .timeout : .connectionFailed, failure.message)
        } catch {
            throw MemcachedError(.connectionClosed, "\(error)")
        }
        let answer = String(decoding: opened.firstLine, as: UTF8.self)
        guard answer == "OK" else {
            await opened.connection.close()
            throw MemcachedError(
                .serverError, "\(address) refused '\(request)': \(MemcachedReplyParser.quote(opened.firstLine[...])) (memcached 1.5 or later has it)")
        }
        return opened.connection
    }
}
