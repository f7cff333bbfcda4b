import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection that sends GETs one after another and reads each answer's status
/// and `X-Cache` header (the body is read and dropped). Small on purpose: the traffic generator needs
/// nothing more, and the binary stays free of a full HTTP client.
package struct LoopbackHTTPClient: Sendable {
    /// What came back.
    package struct Answer: Sendable {
        package var status: Int
        package var outcome: CacheOutcome
        package var body: [UInt8]
    }

    typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    let host: String
    let port: Int
    /// Whether answers keep their body (one-off requests do; the generator's stream drops them).
    var keepBodies = false

    /// Opens a connection and runs `body` with a function that sends one GET on it; closes it afterwards.
    func withConnection<Result: Sendable>(_ body: (_ get: (String) async throws -> Answer) async throws -> Result) async throws -> Result {
        let channel: Connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        let hostHeader = "\(host):\(port)"
        return try await channel.executeThenClose { inbound, outbound in
            var answers = inbound.makeAsyncIterator()
            return try await body { target in
                var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target)
                head.headers.add(name: "Host", value: hostHeader)
                try await outbound.write(contentsOf: [.head(head), .end(nil)])
                var answer = Answer(status: 0, outcome: .none, body: [])
                while let part = try await answers.next() {
                    switch part {
                    case .head(let response):
                        answer.status = Int(response.status.code)
                        answer.outcome = response.headers.first(name: CacheOutcome.headerName).flatMap(CacheOutcome.init(rawValue:)) ?? .none
                    case .body(let bytes):
                        if keepBodies { answer.body += bytes.readableBytesView }
                    case .end:
                        return answer
                    }
                }
                throw TrafficError.connectionClosed
            }
        }
    }
}

/// Why a request of the generator failed.
enum TrafficError: Error, CustomStringConvertible {
    case connectionClosed

    var description: String {
        switch self {
        case .connectionClosed: "the demo app closed the connection"
        }
    }
}
