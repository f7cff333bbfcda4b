import Basics
import ConnectionSupport
import NIOCore

/// A batch of encoded commands on its way to the server, with the shapes of the replies it waits for.
struct MemcachedRequest: Sendable {
    var payload: ByteBuffer
    var shapes: [MemcachedCommand.ReplyShape]
    var timeout: TimeAmount
    var promise: EventLoopPromise<[MemcachedReply]>
}

/// Frames replies and matches them to pipelined commands, first in, first out.
///
/// Each write is a whole batch (one buffer, one flush); its promise completes when every command of the
/// batch has its reply. One timer guards the oldest batch: if its replies are not all in by its deadline
/// the connection is failed and closed (after a missing reply, later replies cannot be matched safely).
/// Any error, or the connection closing, fails every waiting batch.
final class MemcachedPipelineHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = MemcachedRequest
    typealias OutboundOut = ByteBuffer

    private let queue: PipelineQueue<MemcachedReply, [MemcachedCommand.ReplyShape]>
    private let peer: String
    private var parser: MemcachedReplyParser
    /// Received bytes not parsed yet (the start of an incomplete reply).
    private var received: ByteBuffer?
    private var failed = false

    init(peer: String, limits: MemcachedReplyParser.Limits) {
        self.peer = peer
        self.parser = MemcachedReplyParser(limits: limits)
        queue = PipelineQueue()
        queue.onTimeout = { [unowned self] context, timeout in
            fail(context: context, MemcachedError(.timeout, "\(peer) did not answer within \(DurationText.limit(.nanoseconds(timeout.nanoseconds)))"))
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        let expected = request.shapes.count
        guard queue.enqueue(expected: expected, detail: request.shapes, promise: request.promise, timeout: request.timeout, context: context) else {
            if let failure = queue.failure { promise?.fail(failure) } else { promise?.succeed(()) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(request.payload), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        guard !queue.isEmpty || received != nil else {
            fail(
                context: context,
                MemcachedError(
                    .protocolViolation,
                    "protocol violation from \(peer): \(MemcachedReplyParser.quote(incoming.readableBytesView)) arrived without a request"))
            return
        }
        if var existing = received {
            received = nil
            existing.writeBuffer(&incoming)
            received = existing
        } else {
            received = incoming
        }
        do {
            while var buffer = received, let head = queue.head {
                guard let reply = try parser.parse(&buffer, shape: head.detail[queue.headReplyCount]) else {
                    received = buffer
                    break
                }
                received = buffer
                _ = queue.deliver(reply)
            }
        } catch let error as MemcachedError {
            let detail = error.message.hasPrefix("protocol violation: ") ? String(error.message.dropFirst(20)) : error.message
            fail(context: context, MemcachedError(.protocolViolation, "protocol violation from \(peer): \(detail)"))
            return
        } catch {
            fail(context: context, MemcachedError(.protocolViolation, "protocol violation from \(peer): \(error)"))
            return
        }
        if let leftover = received, leftover.readableBytes > 0, queue.isEmpty {
            fail(
                context: context,
                MemcachedError(
                    .protocolViolation,
                    "protocol violation from \(peer): \(MemcachedReplyParser.quote(leftover.readableBytesView)) arrived without a request"))
            return
        }
        if received?.readableBytes == 0 {
            received = nil
        } else if let readerIndex = received?.readerIndex, readerIndex > 1 << 16 {
            received?.discardReadBytes()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, error as? MemcachedError ?? MemcachedError(.connectionClosed, "connection to \(peer) failed: \(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        queue.failAll(MemcachedError(.connectionClosed, "connection to \(peer) closed"))
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, _ error: MemcachedError) {
        guard !failed else { return }
        failed = true
        queue.failAll(error)
        received = nil
        context.close(promise: nil)
    }
}
