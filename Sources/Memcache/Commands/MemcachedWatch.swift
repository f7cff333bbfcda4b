import ConnectionSupport
import NIOCore

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
        var requests: [[UInt8]] = []
        if let credentials = address.access.credentials {
            var login = ByteBuffer()
            login.writeMemcachedCommand(try await credentials.loginCommand(for: address.description))
            requests.append(Array(login.readableBytesView))
        }
        requests.append(Array((request + "\r\n").utf8))
        let opened: (connection: LineStreamConnection, firstLines: [[UInt8]])
        do {
            opened = try await LineStreamConnection.open(
                to: endpoint, peer: address.description, timeout: timeout, tls: address.access.tls, route: address.access.route,
                requests: requests, proceeds: { $0 == Array("STORED".utf8) }, onLine: onLine,
                onOverlong: onOverlong)
        } catch let failure as ConnectFailure {
            throw MemcachedError(failure.timedOut ? .timeout : .connectionFailed, failure.message)
        } catch let failure as TLSFailure {
            throw MemcachedError(.tlsFailed, failure.message)
        } catch let failure as TLSSettingsError {
            throw MemcachedError(.tlsFailed, "TLS for \(address): \(failure.message)")
        } catch {
            throw MemcachedError(.connectionClosed, "\(error)")
        }
        if requests.count == 2, opened.firstLines[0] != Array("STORED".utf8) {
            await opened.connection.close()
            throw MemcachedError(
                .authenticationFailed, "\(address) refused the login: \(MemcachedReplyParser.quote(opened.firstLines[0][...]))")
        }
        let firstLine = opened.firstLines.last ?? []
        let answer = String(decoding: firstLine, as: UTF8.self)
        guard answer == "OK" else {
            await opened.connection.close()
            throw MemcachedError(
                .serverError, "\(address) refused '\(request)': \(MemcachedReplyParser.quote(firstLine[...])) (memcached 1.5 or later has it)")
        }
        return opened.connection
    }
}
