/// One key operation an in-process cache saw: a read that hit or missed, or a write.
public struct KeyTrafficEvent: Sendable, Hashable {
    public enum Kind: UInt8, Sendable, Hashable {
        /// A read (`get`, `get_many`, `has`) that found the key.
        case hit
        /// A read that found nothing (or an expired entry).
        case miss
        /// A write: `set`, `add`, `delete`, `touch`, `inc`.
        case write
    }

    public var key: String
    public var kind: Kind
    /// When, in the cache's clock's seconds.
    public var time: Double
    /// Its place in the cache's event order (increasing, never reused).
    public var sequence: UInt64
}

/// The key operations of the last seconds, read from a cache's ``KeyTrafficLog``.
public struct KeyTrafficWindow: Sendable, Hashable {
    /// Oldest first.
    public var events: [KeyTrafficEvent]
    /// The seconds the events cover: the window asked for, or less when the log no longer held its start.
    public var coveredSeconds: Double
    /// Whether the log held the whole window.
    public var complete: Bool
}

/// A cache whose key operations can be read back per key — always counted, in bounded memory.
public protocol KeyTrafficSource: CacheBackend {
    /// The operations of the last `seconds` (at most as many as the log holds).
    func keyTraffic(lastSeconds seconds: Double) -> KeyTrafficWindow
    /// The sequence the next operation gets: operations a caller makes between two readings of it are its own.
    var keyTrafficSequence: UInt64 { get }
}

/// The last ``capacity`` key operations of a cache, in a ring: what lets a monitor show per-prefix and
/// per-key hit ratios of an in-process cache without sampling it. Recording is an array store under the
/// cache's own lock; memory is bounded by the capacity whatever the traffic.
struct KeyTrafficLog {
    let capacity: Int
    /// The ring: filled up to ``capacity``, then overwritten oldest first.
    private var entries: [Entry] = []
    /// The sequence of the next event.
    private(set) var next: UInt64 = 0

    private struct Entry {
        var key: String
        var kind: KeyTrafficEvent.Kind
        var time: Double
    }

    /// 16,384 operations: ten seconds of a few hundred requests a second, in about 0.5 MB.
    static let defaultCapacity = 16_384

    /// A ring of `capacity` operations, rounded up to a power of two (a slot is found with a mask, not a
    /// division: this runs on every cache operation).
    init(capacity: Int = KeyTrafficLog.defaultCapacity) {
        var rounded = 1
        while rounded < capacity { rounded <<= 1 }
        self.capacity = rounded
    }

    mutating func record(_ key: String, _ kind: KeyTrafficEvent.Kind, at time: Double) {
        let entry = Entry(key: key, kind: kind, time: time)
        if entries.count < capacity {
            entries.append(entry)
        } else {
            entries[Int(truncatingIfNeeded: next) & (capacity - 1)] = entry
        }
        next &+= 1
    }

    /// The events at or after `since` (seconds, the cache's clock), oldest first.
    func window(since start: Double, now: Double) -> KeyTrafficWindow {
        let held = UInt64(entries.count)
        let first = next - held
        var events: [KeyTrafficEvent] = []
        var sequence = next
        // Newest back to the window's start.
        while sequence > first {
            let previous = sequence - 1
            let entry = entries[Int(truncatingIfNeeded: previous) & (capacity - 1)]
            guard entry.time >= start else { break }
            events.append(KeyTrafficEvent(key: entry.key, kind: entry.kind, time: entry.time, sequence: previous))
            sequence = previous
        }
        events.reverse()
        // The log reached back past the window's start unless it was full and its oldest event is inside.
        let complete = sequence > first || held < UInt64(capacity)
        let covered = complete ? now - start : now - (events.first?.time ?? now)
        return KeyTrafficWindow(events: events, coveredSeconds: max(0, covered), complete: complete)
    }
}
