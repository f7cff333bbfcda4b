/// How big the keys are, per type, as the server itself counts them (`INFO keysizes`, Redis ≥ 8.0): for each
/// type, how many keys fall in each power-of-two bucket of size — string lengths in bytes, collections in
/// items. Free (one `INFO` call, no key read), so the keyspace screen shows it first.
package struct KeySizeDistribution: Sendable, Hashable, Codable {
    /// One type's buckets.
    package struct Histogram: Sendable, Hashable, Codable {
        /// `strings`, `lists`, `sets`, `zsets`, `hashes` (as the server names them).
        package var type: String
        /// What the sizes count: `bytes` for strings, `items` for collections.
        package var unit: Unit
        /// Keys per bucket, smallest first: `lowerBound` ≤ size < 2 × `lowerBound` (0 for empty values).
        package var buckets: [(lowerBound: Int64, keys: Int)]

        package enum Unit: String, Sendable, Hashable, Codable {
            case bytes, items
        }

        package var keys: Int { buckets.reduce(0) { $0 + $1.keys } }

        package static func == (lhs: Histogram, rhs: Histogram) -> Bool {
            lhs.type == rhs.type && lhs.unit == rhs.unit && lhs.buckets.map(\.lowerBound) == rhs.buckets.map(\.lowerBound)
                && lhs.buckets.map(\.keys) == rhs.buckets.map(\.keys)
        }

        package func hash(into hasher: inout Hasher) {
            hasher.combine(type)
            hasher.combine(buckets.map(\.lowerBound))
            hasher.combine(buckets.map(\.keys))
        }

        private enum CodingKeys: String, CodingKey {
            case type, unit, lowerBounds, keys
        }

        package init(type: String, unit: Unit, buckets: [(lowerBound: Int64, keys: Int)]) {
            self.type = type
            self.unit = unit
            self.buckets = buckets
        }

        /// The buckets as two lists (bounds, keys): tuples have no coding of their own.
        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let bounds = try container.decode([Int64].self, forKey: .lowerBounds)
            let keys = try container.decode([Int].self, forKey: .keys)
            guard bounds.count == keys.count else {
                throw DecodingError.dataCorruptedError(forKey: .keys, in: container, debugDescription: "as many key counts as bounds")
            }
            self.init(
                type: try container.decode(String.self, forKey: .type), unit: try container.decode(Unit.self, forKey: .unit),
                buckets: zip(bounds, keys).map { (lowerBound: $0, keys: $1) })
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(unit, forKey: .unit)
            try container.encode(buckets.map(\.lowerBound), forKey: .lowerBounds)
            try container.encode(buckets.map(\.keys), forKey: .keys)
        }
    }

    /// One histogram per type the server reported, in its order.
    package var histograms: [Histogram]

    package init(histograms: [Histogram]) {
        self.histograms = histograms
    }

    /// Parses `INFO keysizes` (`db0_distrib_strings_sizes:32=1,64=2,1K=23`), summing every database; `nil`
    /// when the reply has no such line (a server before Redis 8.0, Valkey). Unknown lines are ignored.
    package init?(info fields: [String: String]) {
        var order: [String] = []
        var merged: [String: (unit: Histogram.Unit, buckets: [Int64: Int])] = [:]
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            guard name.hasPrefix("db"), let range = name.range(of: "_distrib_") else { continue }
            let rest = name[range.upperBound...]
            let parts = rest.split(separator: "_")
            guard parts.count == 2, let unit = Histogram.Unit(rawValue: parts[1] == "sizes" ? "bytes" : String(parts[1])) else { continue }
            let type = String(parts[0])
            if merged[type] == nil {
                order.append(type)
                merged[type] = (unit, [:])
            }
            for pair in value.split(separator: ",") {
                let sides = pair.split(separator: "=", maxSplits: 1)
                guard sides.count == 2, let bound = Self.size(sides[0]), let keys = Int(sides[1]) else { continue }
                merged[type]?.buckets[bound, default: 0] += keys
            }
        }
        guard !order.isEmpty else { return nil }
        let rank = ["strings", "hashes", "lists", "sets", "zsets"]
        order.sort { (rank.firstIndex(of: $0) ?? rank.count, $0) < (rank.firstIndex(of: $1) ?? rank.count, $1) }
        histograms = order.compactMap { type in
            merged[type].map { Histogram(type: type, unit: $0.unit, buckets: $0.buckets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }) }
        }
    }

    /// `32`, `1K`, `4M`, `2G` as a number (powers of 1024).
    static func size(_ text: Substring) -> Int64? {
        let multipliers: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50]
        if let last = text.last, let multiplier = multipliers[last] { return Int64(text.dropLast()).map { $0 * multiplier } }
        return Int64(text)
    }

    /// Every server's distribution summed (a cluster's masters): bucket by bucket, per type, in the first
    /// server's order of types.
    package static func sum(_ parts: [KeySizeDistribution]) -> KeySizeDistribution? {
        guard var total = parts.first else { return nil }
        for part in parts.dropFirst() {
            for histogram in part.histograms {
                guard let index = total.histograms.firstIndex(where: { $0.type == histogram.type }) else {
                    total.histograms.append(histogram)
                    continue
                }
                var buckets = Dictionary(total.histograms[index].buckets.map { ($0.lowerBound, $0.keys) }, uniquingKeysWith: +)
                for bucket in histogram.buckets { buckets[bucket.lowerBound, default: 0] += bucket.keys }
                total.histograms[index].buckets = buckets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            }
        }
        return total
    }
}

/// Port of the key-size distribution (Redis ≥ 8.0's `INFO keysizes`): the keyspace screen's free first pass.
package protocol KeySizeSource: CacheSource {
    /// The distribution, summed over the server or every master; `nil` where the server does not keep one.
    func keySizes() async throws -> KeySizeDistribution?
}
