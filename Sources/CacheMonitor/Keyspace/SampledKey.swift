/// One key read for a keyspace analysis: what it is, how long it lives, how big it is, where it is.
package struct SampledKey: Sendable, Hashable, Codable {
    package var key: [UInt8]
    /// `string`, `hash`, `list`… on Redis; `item` on memcached; the value's format in process.
    package var type: String
    /// Milliseconds it has left; `nil` when it never expires.
    package var ttlMilliseconds: Int64?
    /// Bytes it takes (Redis `MEMORY USAGE`, memcached's item size, an in-process value's length); `nil`
    /// when the backend cannot tell.
    package var memoryBytes: Int?
    /// Elements of a collection, or a string's length; `nil` when not known.
    package var elements: Int?
    /// The cluster node or pool server it lives on; `nil` for a single server.
    package var node: String?
    /// Whether it was never read since it was written (memcached `fetch=no`); `nil` where the backend
    /// cannot tell.
    package var neverRead: Bool?
    /// Redis's LFU counter (`OBJECT FREQ`, 0–255, logarithmic) on a server with an LFU eviction policy: how
    /// often it is read, without sampling traffic; `nil` elsewhere.
    package var frequency: Int?
    /// Whether its TTL was read (`PTTL` refused: it is left out of the TTL columns, which show `—`).
    package var ttlKnown = true

    /// The type of a key whose `TYPE` the server refused.
    package static let unknownType = "—"

    package init(
        key: [UInt8], type: String, ttlMilliseconds: Int64?, memoryBytes: Int?, elements: Int? = nil, node: String? = nil,
        neverRead: Bool? = nil
    ) {
        self.key = key
        self.type = type
        self.ttlMilliseconds = ttlMilliseconds
        self.memoryBytes = memoryBytes
        self.elements = elements
        self.node = node
        self.neverRead = neverRead
    }
}

/// Keys by how long they have left: none (never expire), under a minute, an hour, a day, and longer.
package struct TTLBuckets: Sendable, Hashable, Codable {
    package var none = 0
    package var underMinute = 0
    package var underHour = 0
    package var underDay = 0
    package var dayOrMore = 0

    package init(none: Int = 0, underMinute: Int = 0, underHour: Int = 0, underDay: Int = 0, dayOrMore: Int = 0) {
        self.none = none
        self.underMinute = underMinute
        self.underHour = underHour
        self.underDay = underDay
        self.dayOrMore = dayOrMore
    }

    /// The five counts, shortest-lived last: none, < 1 min, < 1 h, < 1 day, ≥ 1 day.
    package var counts: [Int] { [none, underMinute, underHour, underDay, dayOrMore] }

    package init(counts: [Int]) {
        self.init(none: counts[0], underMinute: counts[1], underHour: counts[2], underDay: counts[3], dayOrMore: counts[4])
    }

    /// Counts one key with `ttlMilliseconds` left (`nil`: never expires).
    package mutating func add(ttlMilliseconds: Int64?) {
        guard let ttl = ttlMilliseconds else {
            none += 1
            return
        }
        switch ttl {
        case ..<60_000: underMinute += 1
        case ..<3_600_000: underHour += 1
        case ..<86_400_000: underDay += 1
        default: dayOrMore += 1
        }
    }

    package var total: Int { counts.reduce(0, +) }
}

/// Where a keyspace analysis's memory figures come from.
package enum MemorySource: String, Sendable, Hashable, Codable {
    /// What the server says each key takes (Redis `MEMORY USAGE`, memcached's item sizes).
    case memoryUsage = "memory-usage"
    /// Estimated from value lengths (an in-process cache's bytes; Redis string lengths for a user whose ACL
    /// denies `MEMORY USAGE`).
    case length
}

/// How a backend's keys were read for an analysis, besides the keys themselves.
package struct KeyspaceCensus: Sendable, Hashable {
    /// A cluster node or pool server whose keys are missing, and why.
    package struct MissingNode: Sendable, Hashable, Codable {
        package var address: String
        package var reason: String

        package init(address: String, reason: String) {
            self.address = address
            self.reason = reason
        }
    }

    /// Keys the backend holds (`DBSIZE`, `curr_items`, the cache's count), the figure samples are scaled to.
    package var totalKeys: Int
    /// Keys read.
    package var sampledKeys: Int
    package var memorySource: MemorySource?
    /// Why memory figures are estimated or unknown, when they are (`MEMORY USAGE` refused…).
    package var memoryNote: String?
    /// Why element counts are unknown, when the server refused them.
    package var elementsNote: String?
    /// Whether "never read" is known for the keys read.
    package var neverReadKnown: Bool
    package var missingNodes: [MissingNode]

    package init(
        totalKeys: Int, sampledKeys: Int, memorySource: MemorySource?, memoryNote: String? = nil, elementsNote: String? = nil,
        neverReadKnown: Bool = false,
        missingNodes: [MissingNode] = []
    ) {
        self.totalKeys = totalKeys
        self.sampledKeys = sampledKeys
        self.memorySource = memorySource
        self.memoryNote = memoryNote
        self.elementsNote = elementsNote
        self.neverReadKnown = neverReadKnown
        self.missingNodes = missingNodes
    }
}
