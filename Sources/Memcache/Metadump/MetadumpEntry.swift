/// One item as `lru_crawler metadump` describes it:
/// `key=<%-encoded> exp=<unix time|-1> la=<unix time> cas=<n> fetch=<yes|no> cls=<n> size=<n> [flags=<n>]`.
public struct MetadumpEntry: Sendable, Hashable {
    /// The key, %-decoded to its real bytes.
    public var key: [UInt8]
    /// When the item expires (absolute unix seconds on the server's clock), or `nil` for never (`exp=-1`).
    public var expiresAt: Int64?
    /// When the item was last accessed (absolute unix seconds).
    public var lastAccess: Int64?
    /// The CAS unique.
    public var casUnique: UInt64
    /// Whether the item was ever read since it was stored.
    public var fetched: Bool?
    /// The slab class (1.5.4+).
    public var slabClass: Int?
    /// The item's total size in bytes, header included (1.5.4+).
    public var size: Int?
    /// The client flags (1.6.24+).
    public var flags: UInt32?

    public init(
        key: [UInt8], expiresAt: Int64?, lastAccess: Int64? = nil, casUnique: UInt64 = 0, fetched: Bool? = nil,
        slabClass: Int? = nil, size: Int? = nil, flags: UInt32? = nil
    ) {
        self.key = key
        self.expiresAt = expiresAt
        self.lastAccess = lastAccess
        self.casUnique = casUnique
        self.fetched = fetched
        self.slabClass = slabClass
        self.size = size
        self.flags = flags
    }

    /// Parses one line (without its line ending); `nil` when it is not a well-formed entry. Unknown fields
    /// (later server versions add some) are ignored.
    public init?(line: some Collection<UInt8>) {
        let bytes = Array(line)
        guard let entry = bytes.withUnsafeBytes({ MetadumpEntry(parsing: $0) }) else { return nil }
        self = entry
    }

    /// Parses one line in place: fields are found by scanning for spaces, with no copies but the key.
    init?(parsing line: UnsafeRawBufferPointer) {
        var key: [UInt8]?
        var sawExpiry = false
        var entry = MetadumpEntry(key: [], expiresAt: nil)
        var start = 0
        let end = line.count
        while start < end {
            var stop = start
            while stop < end, line[stop] != 0x20 { stop += 1 }
            defer { start = stop + 1 }
            if stop == start { continue }
            var equals = start
            while equals < stop, line[equals] != UInt8(ascii: "=") { equals += 1 }
            guard equals < stop else { return nil }
            let name = UnsafeRawBufferPointer(rebasing: line[start..<equals])
            let value = UnsafeRawBufferPointer(rebasing: line[(equals + 1)..<stop])
            switch Self.field(name) {
            case .key:
                key = PercentEncoding.decode(value)
            case .exp:
                guard let number = Int64(decimalSigned: value) else { return nil }
                sawExpiry = true
                entry.expiresAt = number < 0 ? nil : number
            case .la:
                entry.lastAccess = Int64(decimalSigned: value)
            case .cas:
                guard let number = UInt64(decimal: value) else { return nil }
                entry.casUnique = number
            case .fetch:
                entry.fetched = value.count == 3 && value[0] == UInt8(ascii: "y")
            case .cls:
                entry.slabClass = UInt64(decimal: value).flatMap { Int(exactly: $0) }
            case .size:
                entry.size = UInt64(decimal: value).flatMap { Int(exactly: $0) }
            case .flags:
                entry.flags = UInt64(decimal: value).flatMap { UInt32(exactly: $0) }
            case nil:
                continue
            }
        }
        guard let key, !key.isEmpty, sawExpiry else { return nil }
        entry.key = key
        self = entry
    }

    private enum Field { case key, exp, la, cas, fetch, cls, size, flags }

    /// Which field a name is, compared byte by byte (this runs for every field of a million-line dump).
    private static func field(_ name: UnsafeRawBufferPointer) -> Field? {
        func equals(_ text: StaticString) -> Bool {
            guard name.count == text.utf8CodeUnitCount else { return false }
            let bytes = text.utf8Start
            for index in 0..<name.count where name[index] != bytes[index] { return false }
            return true
        }
        switch name.count {
        case 2: return equals("la") ? .la : nil
        case 3:
            if equals("key") { return .key }
            if equals("exp") { return .exp }
            if equals("cas") { return .cas }
            return equals("cls") ? .cls : nil
        case 4: return equals("size") ? .size : nil
        case 5: return equals("fetch") ? .fetch : (equals("flags") ? .flags : nil)
        default: return nil
        }
    }

    /// Seconds left to live at the server time `now` (`stats` `time`), `nil` for never; never negative.
    public func remainingSeconds(serverTime now: Int64) -> Int64? {
        expiresAt.map { max(0, $0 - now) }
    }
}

/// The %-encoding memcached uses for keys in metadump and `watch` output.
public enum PercentEncoding {
    /// Decodes `%XX` sequences; a `%` not followed by two hex digits stays as it is.
    public static func decode(_ text: some Collection<UInt8>) -> [UInt8] {
        if let decoded = text.withContiguousStorageIfAvailable({ decode(UnsafeRawBufferPointer($0)) }) { return decoded }
        return Array(text).withUnsafeBytes { decode($0) }
    }

    /// Decodes in one pass into one array (this runs for every key of a million-line dump).
    static func decode(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, written in
            var index = 0
            var count = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                    let low = hexValue(bytes[index + 2])
                {
                    buffer[count] = high << 4 | low
                    index += 3
                } else {
                    buffer[count] = bytes[index]
                    index += 1
                }
                count += 1
            }
            written = count
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x37
        case 0x61...0x66: byte - 0x57
        default: nil
        }
    }
}

extension Int64 {
    /// Parses optionally signed decimal ASCII digits.
    init?(decimalSigned bytes: some Collection<UInt8>) {
        if bytes.first == UInt8(ascii: "-") {
            guard let magnitude = UInt64(decimal: bytes.dropFirst()), magnitude <= UInt64(Int64.max) else { return nil }
            self = -Int64(magnitude)
        } else {
            guard let value = UInt64(decimal: bytes), value <= UInt64(Int64.max) else { return nil }
            self = Int64(value)
        }
    }
}
