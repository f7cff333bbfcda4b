import Basics
import ConnectionSupport
import NIOCore

/// A batch of encoded commands on its way to the server, with the promise its replies complete.
struct RESPRequest: Sendable {
    var payload: ByteBuffer
    var commandCount: Int
    var promise: EventLoopPromise<[RESPValue]>
}

/// Frames replies and matches them to pipelined commands, first in, first out.
///
/// It parses the byte stream itself with ``RESPParser`` (what ``RESPDecoder`` does in a separate
/// `ByteToMessageHandler`), which saves boxing every reply in `NIOAny` on the hot path. Each write is a
/// whole batch (one buffer, one flush); its promise completes when as many replies have arrived as it had
/// commands. RESP3 push messages are out-of-band and skipped. One timer guards the oldest batch: if its
/// replies are not all in by its deadline the connection is failed and closed — after a missing reply,
/// later replies can no longer be matched safely. Any error, or the connection closing, fails every
/// waiting batch.
final class RESPPipelineHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RESPRequest
    typealias OutboundOut = ByteBuffer

    private let queue: PipelineQueue<RESPValue, Void>
    private let commandTimeout: TimeAmount
    private let peer: String
    private let parser: RESPParser
    /// Received bytes not parsed yet (the start of an incomplete reply).
    private var received: ByteBuffer?
    private var failed = false
    /// Where values nobody asked for go once the connection streams (`MONITOR`, `SUBSCRIBE`), and RESP3 pushes.
    var unsolicited: ((RESPValue) -> Void)?
    /// Told once when the connection closes or fails, while it streams.
    var onClose: ((RedisError?) -> Void)?

    init(commandTimeout: TimeAmount, peer: String, limits: RESPParser.Limits) {
        self.commandTimeout = commandTimeout
        self.peer = peer
        self.parser = RESPParser(limits: limits)
        queue = PipelineQueue()
        queue.onTimeout = { [unowned self] context, timeout in
            fail(context: context, RedisError(.timeout, "\(peer) did not answer within \(DurationText.limit(.nanoseconds(timeout.nanoseconds)))"))
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard queue.enqueue(expected: request.commandCount, detail: (), promise: request.promise, timeout: commandTimeout, context: context) else {
            if let failure = queue.failure { promise?.fail(failure) } else { promise?.succeed(()) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(request.payload), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if var existing = received {
            received = nil  // keep the storage uniquely referenced, so appending does not copy it
            existing.writeBuffer(&incoming)
            received = existing
        } else {
            received = incoming
        }
        do {
            while var buffer = received, let value = try parser.parse(&buffer) {
                received = buffer
                deliver(value, context: context)
                if failed { return }
            }
        } catch let error as RedisError {
            let detail = error.message.hasPrefix("protocol violation: ") ? String(error.message.dropFirst(20)) : error.message
            fail(context: context, RedisError(.protocolViolation, "protocol violation from \(peer): \(detail)"))
            return
        } catch {
            fail(context: context, RedisError(.protocolViolation, "protocol violation from \(peer): \(error)"))
            return
        }
        if received?.readableBytes == 0 {
            received = nil
        } else if let readerIndex = received?.readerIndex, readerIndex > 1 << 16 {
            received?.discardReadBytes()
        }
    }

    private func deliver(_ value: RESPValue, context: ChannelHandlerContext) {
        if case .push = value {
            unsolicited?(value)
            return
        }
        if queue.isEmpty, let unsolicited {
            unsolicited(value)
            return
        }
        guard queue.deliver(value) else {
            fail(context: context, RedisError(.protocolViolation, "protocol violation: \(peer) sent a reply nobody asked for"))
            return
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let tls = TLSFailure.describe(error, peer: peer) {
            fail(context: context, RedisError(.tlsFailed, tls))
        } else {
            fail(context: context, error as? RedisError ?? RedisError(.connectionClosed, "connection to \(peer) failed: \(error)"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        queue.failAll(RedisError(.connectionClosed, "connection to \(peer) closed"))
        onClose?(nil)
        onClose = nil
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, _ error: RedisError) {
        guard !failed else { return }
        failed = true
        queue.failAll(error)
        onClose?(error)
        onClose = nil
        received = nil
        context.close(promise: nil)
    }
}
