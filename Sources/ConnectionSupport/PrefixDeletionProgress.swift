/// Counts of a prefix deletion (or of a dry run, which only scans).
public struct PrefixDeletionProgress: Sendable, Hashable {
    /// Keys listed (by `SCAN`, or by a memcached metadump) before de-duplication and the prefix check.
    public var scanned: Int = 0
    /// Distinct keys that start with the prefix.
    public var matched: Int = 0
    /// Keys the server reported removed.
    public var deleted: Int = 0
    /// Whether the scan reached its end.
    public var finished = false

    public init() {}
}

extension Array where Element == UInt8 {
    /// Whether these bytes start with `prefix`.
    public func hasBytePrefix(_ prefix: [UInt8]) -> Bool {
        count >= prefix.count && self[0..<prefix.count].elementsEqual(prefix)
    }
}
