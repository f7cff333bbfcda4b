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

    /// Reads one line (without its line end).
    package static func parse(_ line: UnsafeRawBufferPointer) -> WatchLine {
        if line.starts(with: Self.skippedField) {
            return Int(decimal: line[Self.skippedField.count...]).map(WatchLine.skipped) ?? .unreadable
        }
        guard line.starts(with: Self.timestampField) else {
            return line.elementsEqual(Self.ok) || line.isEmpty ? .other : .unreadable
        }
        guard let type = field(Self.typeField, in: line) else { return .unreadable }
        let isFetch = type.elementsEqual(Self.itemGet)
        guard isFetch || type.elementsEqual(Self.itemStore) else { return .other }
        guard let encoded = field(Self.keyField, in: line),
            let connection = field(Self.connectionField, in: line).flatMap({ Int(decimal: $0) })
        else { return .unreadable }
        let key = PercentEncoding.decode(encoded)
        guard isFetch else { return .store(key: key, connection: connection) }
        guard let status = field(Self.statusField, in: line) else { return .unreadable }
        return .fetch(key: key, found: status.elementsEqual(Self.found), connection: connection)
    }

    /// The value of ` name=` (its bytes up to the next space), if the line has the field.
    private static func field(_ name: [UInt8], in line: UnsafeRawBufferPointer) -> Slice<UnsafeRawBufferPointer>? {
        guard let start = line.firstRange(of: name)?.upperBound else { return nil }
        let end = line[start...].firstIndex(of: UInt8(ascii: " ")) ?? line.endIndex
        return line[start..<end]
    }

    private static let ok = Array("OK".utf8)
    private static let skippedField = Array("skipped=".utf8)
    private static let timestampField = Array("ts=".utf8)
    private static let typeField = Array(" type=".utf8)
    private static let keyField = Array(" key=".utf8)
    private static let statusField = Array(" status=".utf8)
    private static let connectionField = Array(" cfd=".utf8)
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
