import Hummingbird
import Synchronization

/// Responses already decoded from their stored bytes, per cache key: a hit on an entry that has not
/// changed since it was last decoded reuses the built response (headers validated, body in a buffer)
/// instead of decoding it again. An entry is reused only while the stored bytes are equal to the ones it was
/// built from (for an in-process cache, the very same buffer, compared in O(1)), so a rewrite is never
/// missed. Bounded: past `capacity` keys it starts over.
final class DecodedResponseMemo: Sendable {
    private struct Entry: Sendable {
        let stored: [UInt8]
        let plain: Response
        let indicated: Response
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 1_024) {
        self.capacity = capacity
    }

    /// The response for `stored` under `key`, with `extraHeaders` added to the `indicated` variant; `nil`
    /// when the bytes are not a stored response.
    func response(for key: String, stored: [UInt8], extraHeaders: HTTPFields) -> (plain: Response, indicated: Response)? {
        if let entry = entries.withLock({ $0[key] }), entry.stored == stored {
            return (entry.plain, entry.indicated)
        }
        guard let decoded = CachedHTTPResponse(encoded: stored) else { return nil }
        let entry = Entry(stored: stored, plain: decoded.response(), indicated: decoded.response(extraHeaders: extraHeaders))
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
        return (entry.plain, entry.indicated)
    }
}
