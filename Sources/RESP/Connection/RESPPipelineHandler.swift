import NIOCore

/// A batch of encoded commands on its way to the server, with the promise its replies complete.
struct RESPRequest: Sendable {
    var payload: ByteBuffer
    var commandCount: Int
    var promise: EventLoopPromise<[RESPValue]>
}

/// Matches replies to pipelined commands, first in, first out.
///
/// Each write is a whole batch (one buffer, one flush); its promise completes when as many replies have
/// arrived as it had commands. RESP3 push messages are out-of-band and skipped. One timer guards the
/// oldest batch: if its replies are not all in by its deadline the connection is failed and closed —
/// after a missing reply, later replies can no longer be matched safely. Any error, or the connection
/// closing, fails every waiting batch.
final class RESPPipelineHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
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

    init(commandTimeout: TimeAmount, peer: String) {
        self.commandTimeout = commandTimeout
        self.peer = peer
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
        let value = unwrapInboundIn(data)
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
                let seconds = Double(commandTimeout.nanoseconds) / 1e9
                fail(context: context, RedisError(.timeout, "\(peer) did not answer within \(seconds.formattedSeconds)"))
            } else {
                armTimer(context: context)
            }
        }
    }
}

extension Double {
    /// `5s`, `0.25s`.
    var formattedSeconds: String {
        self == rounded() ? "\(Int64(self))s" : "\((self * 1000).rounded() / 1000)s"
    }
}
