import NIOCore
import NIOPosix

/// A connection that sends one request and then hands each line the server sends to a consumer, on the
/// connection's event loop as it arrives: for streams such as memcached's `watch`. Nothing is buffered
/// beyond the line being read; a line longer than the limit is skipped (and counted).
public final class LineStreamConnection: AsyncClosable {
    private let channel: any Channel
    private let closed: EventLoopFuture<Void>

    private init(channel: any Channel, closed: EventLoopFuture<Void>) {
        self.channel = channel
        self.closed = closed
    }

    /// Connects (over TLS, through a route, when given) and sends `requests` one at a time, each once the
    /// server has answered the one before with a line (servers such as memcached refuse a `watch` pipelined
    /// behind an unanswered login); returns those answer lines. An answer `proceeds` refuses (a refused login)
    /// ends the exchange: the lines so far are returned, fewer than the requests. Every later line goes to
    /// `onLine` (without its `\r\n`), on the event loop.
    /// - Parameters:
    ///   - onOverlong: called for each line longer than `maxLineLength`, which is skipped.
    /// - Throws: ``ConnectFailure``, or ``LineStreamError`` when the server closes the connection or sends no
    ///   line within `timeout`.
    public static func open(
        to endpoint: ServerEndpoint, peer: String, timeout: Duration, tls: TLSSettings? = nil, route: ConnectionRoute? = nil, requests: [[UInt8]],
        proceeds: @escaping @Sendable ([UInt8]) -> Bool = { _ in true }, maxLineLength: Int = 64 * 1024,
        onLine: @escaping @Sendable (UnsafeRawBufferPointer) -> Void, onOverlong: @escaping @Sendable () -> Void = {}
    ) async throws -> (connection: LineStreamConnection, firstLines: [[UInt8]]) {
        guard let firstRequest = requests.first else { preconditionFailure("a line stream needs a request") }
        let (channel, first, closed) = try await ChannelConnector.connect(to: endpoint, peer: peer, timeout: timeout, tls: tls, route: route) {
            channel -> (any Channel, EventLoopFuture<[[UInt8]]>, EventLoopFuture<Void>) in
            let first = channel.eventLoop.makePromise(of: [[UInt8]].self)
            let handler = LineStreamHandler(
                maxLineLength: maxLineLength, requests: requests, proceeds: proceeds, first: first, onLine: onLine, onOverlong: onOverlong)
            try channel.pipeline.syncOperations.addHandler(handler)
            return (channel, first.futureResult, channel.closeFuture)
        }
        let connection = LineStreamConnection(channel: channel, closed: closed)
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) { channel.close(promise: nil) }
        do {
            try await channel.writeAndFlush(ByteBuffer(bytes: firstRequest))
            let line = try await first.get()
            timer.cancel()
            return (connection, line)
        } catch {
            timer.cancel()
            await connection.close()
            let asked = String(decoding: requests[requests.count - 1], as: UTF8.self).trimmingNewlines
            throw LineStreamError("\(peer) closed the connection without answering \(asked)")
        }
    }

    /// Waits until the connection closes (the server closed it, or ``close()``).
    public func waitUntilClosed() async {
        try? await closed.get()
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// Closes the connection; lines already read have been handed over.
    public func close() async {
        try? await channel.close().get()
    }
}

/// A line stream ended before its first line.
public struct LineStreamError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Splits the bytes into lines and hands them over as they come.
private final class LineStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let maxLineLength: Int
    private var first: EventLoopPromise<[[UInt8]]>?
    /// The requests, sent one after the answer to the one before; the first is sent by the opener.
    private let requests: [[UInt8]]
    /// Whether an answer lets the next request go.
    private let proceeds: @Sendable ([UInt8]) -> Bool
    private var answers: [[UInt8]] = []
    private let onLine: @Sendable (UnsafeRawBufferPointer) -> Void
    private let onOverlong: @Sendable () -> Void
    /// The start of a line whose end has not arrived.
    private var partial: ByteBuffer?
    /// Skipping the rest of an overlong line.
    private var skipping = false

    init(
        maxLineLength: Int, requests: [[UInt8]], proceeds: @escaping @Sendable ([UInt8]) -> Bool, first: EventLoopPromise<[[UInt8]]>,
        onLine: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
        onOverlong: @escaping @Sendable () -> Void
    ) {
        self.maxLineLength = maxLineLength
        self.first = first
        self.requests = requests
        self.proceeds = proceeds
        self.onLine = onLine
        self.onOverlong = onOverlong
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if var existing = partial {
            partial = nil
            existing.writeBuffer(&incoming)
            incoming = existing
        }
        incoming.withUnsafeReadableBytes { bytes in
            var start = 0
            while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
                if skipping {
                    skipping = false
                } else {
                    var end = newline
                    if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    deliver(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), context: context)
                }
                start = newline + 1
            }
            let left = bytes.count - start
            if skipping {
                // Still inside an overlong line: drop what came.
            } else if left > maxLineLength {
                skipping = true
                onOverlong()
            } else if left > 0 {
                partial = ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: bytes[start...]))
            }
        }
    }

    private func deliver(_ line: UnsafeRawBufferPointer, context: ChannelHandlerContext) {
        if let promise = first {
            let answer = Array(line)
            answers.append(answer)
            guard answers.count == requests.count || !proceeds(answer) else {
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: requests[answers.count])), promise: nil)
                return
            }
            first = nil
            promise.succeed(answers)
        } else {
            onLine(line)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        first?.fail(ChannelError.eof)
        first = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        first?.fail(error)
        first = nil
        context.close(promise: nil)
    }
}

extension String {
    fileprivate var trimmingNewlines: String {
        var text = self
        while let last = text.last, last.isNewline { text.removeLast() }
        return text
    }
}
