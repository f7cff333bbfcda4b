/// The figures of one group, unscaled: keys read and what is known about them.
struct Tally: PrefixCounts {
    var keys = 0
    var memory = 0
    var memoryKnown = 0
    var ttl = TTLBuckets()
    var elements = 0
    var elementsKnown = 0
    var neverRead = 0
    var neverReadKnown = 0

    var isEmpty: Bool { keys == 0 }
    /// Keys read.
    var weight: Int { keys }

    mutating func add(_ key: SampledKey) {
        keys += 1
        if let bytes = key.memoryBytes {
            memory += bytes
            memoryKnown += 1
        }
        if key.ttlKnown { ttl.add(ttlMilliseconds: key.ttlMilliseconds) }
        if let count = key.elements {
            elements += count
            elementsKnown += 1
        }
        if let never = key.neverRead {
            neverRead += never ? 1 : 0
            neverReadKnown += 1
        }
    }

    mutating func merge(_ other: Tally) {
        keys += other.keys
        memory += other.memory
        memoryKnown += other.memoryKnown
        ttl = TTLBuckets(counts: zip(ttl.counts, other.ttl.counts).map { $0 + $1 })
        elements += other.elements
        elementsKnown += other.elementsKnown
        neverRead += other.neverRead
        neverReadKnown += other.neverReadKnown
    }

    /// The memory of all the group's keys, scaled: the known bytes stand for the keys whose size is unknown
    /// too; `nil` when no size is known.
    func memory(scaledBy scale: Double) -> Int? {
        guard memoryKnown > 0 else { return nil }
        return Int((Double(memory) * Double(keys) / Double(memoryKnown) * scale).rounded())
    }
}
