/// What the key browser shows about one Redis key.
package struct RedisKeyDetails: Sendable, Hashable {
    /// The key as stored.
    package var key: [UInt8]
    /// `string`, `list`, `set`, `zset`, `hash`, `stream` (or a module type name).
    package var type: String
    /// Milliseconds left to live when read, or `nil` when the key never expires.
    package var ttlMilliseconds: Int64?
    /// `MEMORY USAGE` in bytes, when the server has it.
    package var size: Int?
    /// Whether the TTL was read (not where `PTTL` is refused).
    package var ttlKnown = true
    /// A hash whose fields expire (Redis ≥ 7.4, Valkey ≥ 9.0); `nil` for any other key.
    package var fieldTTL: FieldTTLSummary?
}

/// The first part of a value, never the whole of a large one.
package enum RedisValuePreview: Sendable, Hashable {
    /// The first bytes of a string, and its full length.
    case string(prefix: [UInt8], length: Int)
    /// The first elements of a list, set or sorted set (members with scores as text), and the total count.
    case items([[UInt8]], total: Int)
    /// The first fields of a hash, and the total count.
    case fields([(field: [UInt8], value: [UInt8])], total: Int)
    /// A type we do not preview (streams, module types).
    case unsupported(type: String)
    /// The key disappeared.
    case missing

    package static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a, let b), .string(let c, let d)): a == c && b == d
        case (.items(let a, let b), .items(let c, let d)): a == c && b == d
        case (.fields(let a, let b), .fields(let c, let d)): a.map(\.field) == c.map(\.field) && a.map(\.value) == c.map(\.value) && b == d
        case (.unsupported(let a), .unsupported(let b)): a == b
        case (.missing, .missing): true
        default: false
        }
    }

    package func hash(into hasher: inout Hasher) {
        switch self {
        case .string(let prefix, let length):
            hasher.combine(prefix)
            hasher.combine(length)
        case .items(let items, let total):
            hasher.combine(items)
            hasher.combine(total)
        case .fields(let fields, let total):
            hasher.combine(fields.map(\.field))
            hasher.combine(total)
        case .unsupported(let type): hasher.combine(type)
        case .missing: hasher.combine(0)
        }
    }
}
