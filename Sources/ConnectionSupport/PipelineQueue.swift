import NIOCore

/// The batches a pipelined connection is waiting on, first in, first out — the bookkeeping behind the
/// Redis and memcached channel handlers.
///
/// Each batch expects a number of replies and completes its promise when they have all arrived. One timer
/// guards the oldest batch: when its deadline passes, `onTimeout` runs (the handler fails the connection:
/// after a missing reply later replies can no longer be matched). After ``failAll(_:)`` every waiting and
/// every later batch fails with that error. Lives on its channel's event loop; not thread-safe.
public final class PipelineQueue<Reply: Sendable, Detail> {
    /// One batch: how many replies it waits for, what the parser needs to know about it, and its promise.
    public struct Batch {
        public let expected: Int
        public let detail: Detail
        @usableFromInline let promise: EventLoopPromise<[Reply]>
        @usableFromInline let deadline: NIODeadline
        public let timeout: TimeAmount
    }

    @usableFromInline var pending = CircularBuffer<Batch>()
    /// Replies received so far for the oldest batch (kept outside the queue so appends never copy).
    @usableFromInline var headReplies: [Reply] = []
    @usableFromInline var timer: Scheduled<Void>?
    /// The error the pipeline failed with, if it did.
    public private(set) var failure: (any Error)?
    /// Called on the loop when the oldest batch's replies are late, with its timeout.
    public var onTimeout: ((ChannelHandlerContext, TimeAmount) -> Void)?

    public init() {}

    /// The oldest waiting batch.
    @inlinable public var head: Batch? { pending.first }
    /// How many replies the oldest batch has so far.
    @inlinable public var headReplyCount: Int { headReplies.count }
    /// Whether no batch waits.
    @inlinable public var isEmpty: Bool { pending.isEmpty }

    /// Queues a batch, or fails it at once when the pipeline already failed (returns `false`) or completes it
    /// when it expects nothing.
    public func enqueue(
        expected: Int, detail: Detail, promise: EventLoopPromise<[Reply]>, timeout: TimeAmount, context: ChannelHandlerContext
    ) -> Bool {
        if let failure {
            promise.fail(failure)
            return false
        }
        if expected == 0 {
            promise.succeed([])
            return false
        }
        pending.append(Batch(expected: expected, detail: detail, promise: promise, deadline: .now() + timeout, timeout: timeout))
        armTimer(context: context)
        return true
    }

    /// Hands a reply to the oldest batch, completing it when it has all its replies; `false` when no batch waits.
    @inlinable
    public func deliver(_ reply: Reply) -> Bool {
        guard let head = pending.first else { return false }
        headReplies.append(reply)
        if headReplies.count == head.expected {
            pending.removeFirst()
            let replies = headReplies
            headReplies = []
            if let next = pending.first { headReplies.reserveCapacity(min(next.expected, 1 << 16)) }
            head.promise.succeed(replies)
        }
        return true
    }

    /// Fails every waiting batch (and every later one) with `error`; the first error is kept.
    public func failAll(_ error: any Error) {
        if failure == nil { failure = error }
        timer?.cancel()
        timer = nil
        headReplies = []
        while let batch = pending.popFirst() { batch.promise.fail(failure ?? error) }
    }

    private func armTimer(context: ChannelHandlerContext) {
        guard timer == nil, let oldest = pending.first else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: oldest.deadline) { [self] in
            timer = nil
            guard let oldest = pending.first else { return }
            if oldest.deadline <= .now() {
                onTimeout?(context, oldest.timeout)
            } else {
                armTimer(context: context)
            }
        }
    }
}
