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
/// `ByteToMessageHandler`), which saves boxing every reply in `NIOAny` on the hot path. Each write is a whole batch (one buffer, one flush); its promise completes when as many replies have
/// arrived as it had commands. RESP3 push messages are out-of-band and skipped. One timer guards the
/// oldest batch: if its replies are not all in by its deadline the connection is failed and closed —
/// after a missing reply, later replies can no longer be matched safely. Any error, or the connection
/// closing, fails every waiting batch.
final class RESPPipelineHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RESPRequest
    typealias OutboundOut = ByteBuffer

    private struct PendingBatch {
        let expected: Int
        let promise: EventLoopPromise<[RESPValue]>
        let deadline: NIODeadline
    }

    private var pending = CircularBuffer<PendingBatch>()
    /// Replies received so far for the oldest batch (kept outside the queue so appends never copy).
    private var headReplies: [RESPValue] = []
    private var timer: Scheduled<Void>?
    private var failure: RedisError?
    private let commandTimeout: TimeAmount
    private let peer: String
    private let parser: RESPParser
    /// Received bytes not parsed yet (the start of an incomplete reply).
    private var received: ByteBuffer?

    init(commandTimeout: TimeAmount, peer: String, limits: RESPParser.Limits) {
        self.commandTimeout = commandTimeout
        self.peer = peer
        self.parser = RESPParser(limits: limits)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            request.promise.fail(failure)
            promise?.fail(failure)
            return
        }
        if request.commandCount == 0 {
            request.promise.succeed([])
            promise?.succeed(())
            return
        }
        pending.append(PendingBatch(expected: request.commandCount, promise: request.promise, deadline: .now() + commandTimeout))
        armTimer(context: context)
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
                if failure != nil { return }
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
        if case .push = value { return }
        guard !pending.isEmpty else {
            fail(context: context, RedisError(.protocolViolation, "protocol violation: \(peer) sent a reply nobody asked for"))
            return
        }
        headReplies.append(value)
        if headReplies.count == pending[pending.startIndex].expected {
            let done = pending.removeFirst()
            let replies = headReplies
            headReplies = []
            if let next = pending.first { headReplies.reserveCapacity(min(next.expected, 1 << 16)) }
            done.promise.succeed(replies)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, error as? RedisError ?? RedisError(.connectionClosed, "connection to \(peer) failed: \(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(failure ?? RedisError(.connectionClosed, "connection to \(peer) closed"))
        context.fireChannelInactive()
    }

    // MARK: failures and the timer

    private func fail(context: ChannelHandlerContext, _ error: RedisError) {
        guard failure == nil else { return }
        failure = error
        failAll(error)
        received = nil
        context.close(promise: nil)
    }

    private func failAll(_ error: RedisError) {
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
                fail(context: context, RedisError(.timeout, "\(peer) did not answer within \(commandTimeout.secondsText)"))
            } else {
                armTimer(context: context)
            }
        }
    }
}
