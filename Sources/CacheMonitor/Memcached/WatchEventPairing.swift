/// Turns memcached `watch` lines into traffic events. A store logs a lookup of its key (`item_get …
/// not_found`, or `found` when it replaces a value) right before its `item_store` on the same connection
/// (`cfd`): such a lookup is the store's, not a read. So each connection's last lookup waits until the
/// connection's next line says which it was.
///
/// `delete`, `incr`, `decr` and `touch` log only a lookup: they count as reads (the stream cannot tell them
/// apart).
struct WatchEventPairing {
    /// The last lookup per connection, not yet known to be a read.
    private var pending: [Int: (key: [UInt8], found: Bool)] = [:]
    /// More connections waiting than this flushes them all (a bound, whatever the server's connection count).
    private let maxPending = 65_536

    /// Reads `line`'s event into `record`.
    mutating func take(_ line: WatchLine, record: (_ key: [UInt8], _ event: TrafficEvent) -> Void) {
        switch line {
        case .fetch(let key, let found, let connection):
            if let earlier = pending.updateValue((key, found), forKey: connection) {
                record(earlier.key, .read(hit: earlier.found))
            } else if pending.count > maxPending {
                flush(record: record)
            }
        case .store(let key, let connection):
            if let earlier = pending.removeValue(forKey: connection), earlier.key != key {
                record(earlier.key, .read(hit: earlier.found))
            }
            record(key, .write)
        case .skipped, .other, .unreadable:
            break
        }
    }

    /// Counts every waiting lookup as a read (the stream ended).
    mutating func flush(record: (_ key: [UInt8], _ event: TrafficEvent) -> Void) {
        for (_, lookup) in pending { record(lookup.key, .read(hit: lookup.found)) }
        pending.removeAll(keepingCapacity: true)
    }
}
