import Memcache

/// One line of memcached's `watch fetchers mutations` stream, read.
///
/// `ts=… gid=… type=item_get key=a%3A1 status=found clsid=1 cfd=26 size=1` for each key a command looked up
/// (`status=not_found` when it was not there), `type=item_store key=… status=stored cmd=set ttl=300 … cfd=26`
/// for each store, `skipped=N` when the server dropped lines because we read too slowly. Keys are
/// %-encoded, as in `lru_crawler metadump`.
package enum WatchLine: Sendable, Hashable {
    /// A key looked up: by a read, or by a store, delete, incr or touch on the same connection.
    case fetch(key: [UInt8], found: Bool, connection: Int)
    /// A key stored (or a store refused: `status=exists`, `not_stored`).
    case store(key: [UInt8], connection: Int)
    /// The server left out this many lines (we read too slowly).
    case skipped(Int)
    /// `OK` and other lines that are not events.
    case other
    /// A line that is not the stream's format.
    case unreadable

    /// Reads one line (without its line end), in one pass over its `name=value` fields.
    package static func parse(_ line: UnsafeRawBufferPointer) -> WatchLine {
        if line.starts(with: Self.skippedField) {
            return Int(decimal: line[Self.skippedField.count...]).map(WatchLine.skipped) ?? .unreadable
        }
        guard line.starts(with: Self.timestampField) else {
            return line.elementsEqual(Self.ok) || line.isEmpty ? .other : .unreadable
        }
        var type: Range<Int>?
        var key: Range<Int>?
        var status: Range<Int>?
        var connection: Range<Int>?
        var start = 0
        while start < line.count {
            var end = start
            while end < line.count, line[end] != UInt8(ascii: " ") { end += 1 }
            // `name=value`: the name is told by its length and first byte.
            var equals = start
            while equals < end, line[equals] != UInt8(ascii: "=") { equals += 1 }
            if equals < end {
                let value = (equals + 1)..<end
                switch (equals - start, line[start]) {
                case (4, UInt8(ascii: "t")): type = value
                case (3, UInt8(ascii: "k")): key = value
                case (6, UInt8(ascii: "s")): status = value
                case (3, UInt8(ascii: "c")): connection = value
                default: break
                }
            }
            start = end + 1
        }
        guard let type else { return .unreadable }
        let isFetch = line[type].elementsEqual(Self.itemGet)
        guard isFetch || line[type].elementsEqual(Self.itemStore) else { return .other }
        guard let key, let connection, let number = Int(decimal: line[connection]) else { return .unreadable }
        let decoded = PercentEncoding.decode(line[key])
        guard isFetch else { return .store(key: decoded, connection: number) }
        guard let status else { return .unreadable }
        return .fetch(key: decoded, found: line[status].elementsEqual(Self.found), connection: number)
    }

    private static let ok = Array("OK".utf8)
    private static let skippedField = Array("skipped=".utf8)
    private static let timestampField = Array("ts=".utf8)
    private static let itemGet = Array("item_get".utf8)
    private static let itemStore = Array("item_store".utf8)
    private static let found = Array("found".utf8)
}

extension Int {
    /// A non-negative decimal number written in ASCII digits (at most 18 of them); `nil` otherwise.
    init?(decimal digits: some Collection<UInt8>) {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        self = value
    }
}
