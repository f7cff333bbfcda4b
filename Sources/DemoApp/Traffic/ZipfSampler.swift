import Foundation

/// Draws ranks 1…n with probability ∝ 1/rank^exponent: a few hot keys and a long tail of cold ones, the
/// shape real cache traffic has.
package struct ZipfSampler: Sendable {
    /// Cumulative probabilities; `cumulative[i]` is P(rank ≤ i + 1).
    private let cumulative: [Double]

    /// - Parameters:
    ///   - count: how many ranks (at least 1).
    ///   - exponent: 0 is uniform; about 1 is typical of web caches.
    package init(count: Int, exponent: Double = 1.0) {
        let weights = (1...max(1, count)).map { 1.0 / pow(Double($0), exponent) }
        let total = weights.reduce(0, +)
        var running = 0.0
        cumulative = weights.map { weight in
            running += weight / total
            return running
        }
    }

    package var count: Int { cumulative.count }

    /// One rank, 1…count.
    package func next(using generator: inout some RandomNumberGenerator) -> Int {
        let draw = Double.random(in: 0..<1, using: &generator)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > draw { high = middle } else { low = middle + 1 }
        }
        return low + 1
    }
}
