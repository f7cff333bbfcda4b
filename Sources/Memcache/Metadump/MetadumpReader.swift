import Basics
import ConnectionSupport
import NIOCore
import NIOPosix

/// Which items `lru_crawler metadump` walks.
public enum MetadumpScope: Sendable, Hashable {
    /// Every LRU of every slab class.
    case all
    /// The hash table (memcached 1.6.9+): less likely to miss items that move between LRUs during the walk.
    case hash
    /// Only these slab classes.
    case classes([Int])

    var argument: String {
        switch self {
        case .all: "all"
        case .hash: "hash"
        case .classes(let classes): classes.map(String.init).joined(separator: ",")
        }
    }
}

/// What a metadump walk delivered.
public struct MetadumpSummary: Sendable, Hashable {
    /// Entries handed to the caller (after de-duplication).
    public var entries = 0
    /// Entries the live walk sent twice (same key and CAS), dropped.
    public var duplicates = 0
    /// Lines that were not well-formed entries, skipped.
    public var malformedLines = 0
    /// Whether the walk reached `END` (otherwise the caller stopped it).
    public var completed = false

    public init() {}
}

/// Streams `lru_crawler metadump` from one server on a connection of its own.
///
/// The crawl takes over its connection, so it never shares one with other commands; stopping early
/// closes the connection, which is the only way to abort a crawl. Reading applies backpressure (the
/// server's crawler waits while we are busy), so memory stays bounded by one read plus the de-duplication
/// set (16 bytes an item). Only one crawl runs per server at a time: on `BUSY` the request is repeated
/// with backoff for up to `busyWait`. `NOTSTARTED` (an empty cache) is an empty, completed walk.
///
/// Needs memcached 1.4.31+; older servers, servers started with `-X` (dumping disabled) and servers with
/// the LRU crawler disabled raise ``MemcachedError`` `.metadumpUnavailable` with the reason.
public enum MetadumpReader {
    /// Walks `scope` on the server at `address`, handing entries to `body` a read at a time; `body` returns
    /// `false` to stop.
    /// - Parameters:
    ///   - idleTimeout: how long the server may stay silent before the walk fails with `.timeout`.
    ///   - expectedItems: the server's `curr_items`, when known, to size the de-duplication set once.
    public static func dump(
        from address: MemcachedAddress, scope: MetadumpScope = .all, connectTimeout: Duration = .seconds(5),
        idleTimeout: Duration = .seconds(10), busyWait: Duration = .seconds(30), deduplicate: Bool = true, expectedItems: Int = 0,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        body: ([MetadumpEntry]) async throws -> Bool
    ) async throws -> MetadumpSummary {
        let peer = address.description
        let readTimeout = TimeAmount(idleTimeout)
        let channel = try await MemcachedConnection.openChannel(to: address, connectTimeout: connectTimeout, group: group) { channel in
            try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: readTimeout))
            try channel.pipeline.syncOperations.addHandler(ReadTimeoutHandler(peer: peer, timeout: readTimeout))
            return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
        var walk = MetadumpWalk(peer: peer, deduplicate: deduplicate, expectedItems: expectedItems)
        let command = ByteBuffer(string: "lru_crawler metadump \(scope.argument)\r\n")
        var login: ByteBuffer?
        if let credentials = address.access.credentials {
            do {
                var bytes = ByteBuffer()
                bytes.writeMemcachedCommand(try await credentials.loginCommand(for: peer))
                login = bytes
            } catch {
                try? await channel.channel.close()
                throw error
            }
        }
        let clock = ContinuousClock()
        let busyDeadline = clock.now + busyWait
        do {
            try await channel.executeThenClose { inbound, outbound in
                // memcached refuses a metadump that arrives while an earlier reply is still unsent
                // ("cannot pipeline other commands before metadump"), so the crawl is asked for only
                // once the login has been answered.
                if let login { try await outbound.write(login) } else { try await outbound.write(command) }
                var pending = ByteBuffer()
                var loginAnswered = login == nil
                var backoff = Duration.milliseconds(50)
                for try await var chunk in inbound {
                    pending.writeBuffer(&chunk)
                    if !loginAnswered {
                        guard let line = pending.readLine() else { continue }
                        guard line == "STORED" else {
                            throw MemcachedError(.authenticationFailed, "\(peer) refused the login: \(line)")
                        }
                        loginAnswered = true
                        try await outbound.write(command)
                        guard pending.readableBytes > 0 else { continue }
                    }
                    let outcome = try walk.consume(&pending)
                    if !walk.batch.isEmpty {
                        let batch = walk.batch
                        walk.batch.removeAll(keepingCapacity: true)
                        guard try await body(batch) else { return }
                    }
                    switch outcome {
                    case .finished: return
                    case .more: continue
                    case .busy:
                        guard clock.now < busyDeadline else {
                            throw MemcachedError(
                                .crawlerBusy, "\(peer): the LRU crawler stayed busy with another request for \(busyWait); try again later")
                        }
                        try await Task.sleep(for: backoff)
                        backoff = min(backoff * 2, .seconds(1))
                        try await outbound.write(command)
                    }
                }
                throw MemcachedError(.connectionClosed, "\(peer) closed the connection during lru_crawler metadump")
            }
        } catch let error as MemcachedError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw MemcachedError(.connectionClosed, "\(peer): lru_crawler metadump failed: \(error)")
        }
        return walk.summary
    }
}

/// The line-by-line state of one walk.
struct MetadumpWalk {
    enum Outcome { case more, finished, busy }

    let peer: String
    let deduplicate: Bool
    var summary = MetadumpSummary()
    var batch: [MetadumpEntry] = []
    private var seen: SeenItems
    /// Entries parsed from the buffer being consumed, not yet checked against ``seen``.
    private var parsed: [MetadumpEntry] = []

    /// 64-bit FNV-1a: cheap for short keys; ``SeenItems`` folds it with the CAS and its own seed.
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    init(peer: String, deduplicate: Bool, expectedItems: Int = 0) {
        self.peer = peer
        self.deduplicate = deduplicate
        seen = SeenItems(expected: deduplicate ? min(expectedItems, 50_000_000) : 0)
    }

    /// Consumes every complete line of `buffer`.
    mutating func consume(_ buffer: inout ByteBuffer) throws -> Outcome {
        var outcome = Outcome.more
        let consumed = try buffer.withUnsafeReadableBytes { bytes -> Int in
            var start = 0
            while outcome == .more, start < bytes.count {
                var newline = start
                while newline < bytes.count, bytes[newline] != 0x0A { newline += 1 }
                guard newline < bytes.count else { break }
                var end = newline
                if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                outcome = try handle(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                start = newline + 1
            }
            return start
        }
        keepNew()
        buffer.moveReaderIndex(forwardBy: consumed)
        if buffer.readableBytes == 0 { buffer.clear() } else if buffer.readerIndex > 1 << 16 { buffer.discardReadBytes() }
        if outcome == .more, buffer.readableBytes > 64 * 1024 {
            throw MemcachedError(.protocolViolation, "protocol violation: \(peer) sent a metadump line longer than 64 KiB")
        }
        return outcome
    }

    private mutating func handle(_ line: UnsafeRawBufferPointer) throws -> Outcome {
        if line.count > 4, line[0] == UInt8(ascii: "k"), line[1] == UInt8(ascii: "e"), line[2] == UInt8(ascii: "y"), line[3] == UInt8(ascii: "=") {
            accept(line)
            return .more
        }
        if line.elementsEqual("END".utf8) || line.starts(with: "NOTSTARTED".utf8) {
            summary.completed = true
            return .finished
        }
        if line.starts(with: "BUSY".utf8) { return .busy }
        if let error = Self.failure(ArraySlice(line), peer: peer) { throw error }
        summary.malformedLines += 1
        return .more
    }

    private mutating func accept(_ line: UnsafeRawBufferPointer) {
        guard let entry = MetadumpEntry(parsing: line) else {
            summary.malformedLines += 1
            return
        }
        parsed.append(entry)
    }

    /// Moves the entries parsed from one buffer into the batch, each item once (see ``SeenItems``: the
    /// whole buffer's entries are checked together).
    private mutating func keepNew() {
        guard !parsed.isEmpty else { return }
        defer { parsed.removeAll(keepingCapacity: true) }
        guard deduplicate else {
            summary.entries += parsed.count
            batch.append(contentsOf: parsed)
            return
        }
        let new = seen.insert(parsed.map { (Self.fnv1a($0.key), $0.casUnique) })
        for (entry, isNew) in zip(parsed, new) {
            if isNew {
                summary.entries += 1
                batch.append(entry)
            } else {
                summary.duplicates += 1
            }
        }
    }

    /// The error a non-entry line announces, if it is one.
    static func failure(_ line: ArraySlice<UInt8>, peer: String) -> MemcachedError? {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("ERROR metadump not allowed") {
            return MemcachedError(.metadumpUnavailable, "\(peer) does not allow listing keys (started with -X / --disable-dumping)")
        }
        if text.hasPrefix("CLIENT_ERROR lru crawler disabled") {
            return MemcachedError(
                .metadumpUnavailable, "\(peer) has its LRU crawler disabled, so keys cannot be listed (enable it with 'lru_crawler enable')")
        }
        if text == "ERROR" || text.hasPrefix("CLIENT_ERROR bad command line") {
            return MemcachedError(
                .metadumpUnavailable, "\(peer) does not support lru_crawler metadump, which listing keys needs (memcached 1.4.31 or later)")
        }
        if text.hasPrefix("BADCLASS") { return MemcachedError(.clientError, "\(peer): \(text)") }
        if text.hasPrefix("ERROR") || text.hasPrefix("CLIENT_ERROR") { return MemcachedError(.clientError, "\(peer): \(text)") }
        if text.hasPrefix("SERVER_ERROR") { return MemcachedError(.serverError, "\(peer): \(text)") }
        return nil
    }
}

/// Turns a read-idle event into a timeout error, so the walk's reader fails instead of waiting forever.
final class ReadTimeoutHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    private let peer: String
    private let timeout: TimeAmount

    init(peer: String, timeout: TimeAmount) {
        self.peer = peer
        self.timeout = timeout
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.fireErrorCaught(
                MemcachedError(
                    .timeout, "\(peer) sent nothing for \(DurationText.limit(.nanoseconds(timeout.nanoseconds))) during lru_crawler metadump"))
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

extension ByteBuffer {
    /// Reads one line (without its `\r\n`) when a whole one is there.
    fileprivate mutating func readLine() -> String? {
        guard let newline = readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let length = newline - readerIndex
        guard var line = readString(length: length) else { return nil }
        moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }
}
