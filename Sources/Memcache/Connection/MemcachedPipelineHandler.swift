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

    private struct PendingBatch {
        let shapes: [MemcachedCommand.ReplyShape]
        let promise: EventLoopPromise<[MemcachedReply]>
        let deadline: NIODeadline
        let timeout: TimeAmount
    }

    private var pending = CircularBuffer<PendingBatch>()
    private var headReplies: [MemcachedReply] = []
    private var timer: Scheduled<Void>?
    private var failure: MemcachedError?
    private let peer: String
    private var parser: MemcachedReplyParser
    private var received: ByteBuffer?

    init(peer: String, limits: MemcachedReplyParser.Limits) {
        self.peer = peer
        self.parser = MemcachedReplyParser(limits: limits)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            request.promise.fail(failure)
            promise?.fail(failure)
            return
        }
        if request.shapes.isEmpty {
            request.promise.succeed([])
            promise?.succeed(())
            return
        }
        pending.append(PendingBatch(shapes: request.shapes, promise: request.promise, deadline: .now() + request.timeout, timeout: request.timeout))
        armTimer(context: context)
        context.writeAndFlush(wrapOutboundOut(request.payload), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        guard !pending.isEmpty || received != nil else {
            fail(context: context, MemcachedError(.protocolViolation, "protocol violation from \(peer): \(MemcachedReplyParser.quote(incoming.readableBytesView)) arrived without a request"))
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
            while var buffer = received, let head = pending.first {
                guard let reply = try parser.parse(&buffer, shape: head.shapes[headReplies.count]) else {
                    received = buffer
                    break
                }
                received = buffer
                deliver(reply)
            }
        } catch let error as MemcachedError {
            let detail = error.message.hasPrefix("protocol violation: ") ? String(error.message.dropFirst(20)) : error.message
            fail(context: context, MemcachedError(.protocolViolation, "protocol violation from \(peer): \(detail)"))
            return
        } catch {
            fail(context: context, MemcachedError(.protocolViolation, "protocol violation from \(peer): \(error)"))
            return
        }
        if let leftover = received, leftover.readableBytes > 0, pending.isEmpty {
            fail(context: context, MemcachedError(.protocolViolation, "protocol violation from \(peer): \(MemcachedReplyParser.quote(leftover.readableBytesView)) arrived without a request"))
            return
        }
        if received?.readableBytes == 0 {
            received = nil
        } else if let readerIndex = received?.readerIndex, readerIndex > 1 << 16 {
            received?.discardReadBytes()
        }
    }

    private func deliver(_ reply: MemcachedReply) {
        headReplies.append(reply)
        guard let head = pending.first, headReplies.count == head.shapes.count else { return }
        pending.removeFirst()
        let replies = headReplies
        headReplies = []
        head.promise.succeed(replies)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, error as? MemcachedError ?? MemcachedError(.connectionClosed, "connection to \(peer) failed: \(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(failure ?? MemcachedError(.connectionClosed, "connection to \(peer) closed"))
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, _ error: MemcachedError) {
        guard failure == nil else { return }
        failAll(error)
        received = nil
        context.close(promise: nil)
    }

    private func failAll(_ error: MemcachedError) {
        if failure == nil { failure = error }
        timer?.cancel()
        timer = nil
        headReplies = []
        while let batch = pending.popFirst() { batch.promise.fail(error) }
    }

    private func armTimer(context: ChannelHandlerContext) {
        guard timer == nil, let oldest = pending.first else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: oldest.deadline) { [self] in
            timer = nil
            guard let oldest = pending.first else { return }
            if oldest.deadline <= .now() {
                fail(context: context, MemcachedError(.timeout, "\(peer) did not answer within \(oldest.timeout.secondsText)"))
            } else {
                armTimer(context: context)
            }
        }
    }
}
