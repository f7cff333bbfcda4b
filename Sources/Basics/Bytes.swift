extension Array where Element == UInt8 {
    /// Whether these bytes start with `prefix`.
    public func hasBytePrefix(_ prefix: [UInt8]) -> Bool {
        count >= prefix.count && self[0..<prefix.count].elementsEqual(prefix)
    }
}
