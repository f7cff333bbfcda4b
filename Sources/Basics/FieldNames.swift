/// Names of the fields a reader keeps from a long `name value` listing (`INFO`, memcached `stats`), matched on
/// the reply's bytes so the fields skipped never become strings. Bucketed by length: most names are told
/// apart by their length alone.
public struct FieldNames: Sendable, Hashable {
    private var byLength: [[[UInt8]]] = []
    /// How many names the set holds.
    public private(set) var count = 0

    public init(_ names: [String]) {
        for name in Set(names) {
            let bytes = Array(name.utf8)
            while byLength.count <= bytes.count { byLength.append([]) }
            byLength[bytes.count].append(bytes)
            count += 1
        }
    }

    /// Whether `name`, as bytes, is one of the names.
    public func contains(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        contains(UnsafeRawBufferPointer(name))
    }

    /// Whether `name`, as bytes, is one of the names.
    public func contains(_ name: UnsafeRawBufferPointer) -> Bool {
        let length = name.count
        guard length < byLength.count else { return false }
        for candidate in byLength[length] where candidate.withUnsafeBytes({ $0.elementsEqual(name) }) { return true }
        return false
    }
}
