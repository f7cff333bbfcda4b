import Testing

@testable import Recording

@Suite struct SeriesBlockTests {
    private func roundTrip(_ block: SeriesBlock) throws -> SeriesBlock {
        try SeriesBlock(decoding: block.encoded())
    }

    @Test func emptyBlockRoundTrips() throws {
        let block = SeriesBlock(fieldCount: 3)
        let decoded = try roundTrip(block)
        #expect(decoded.count == 0)
        #expect(decoded.fieldCount == 3)
    }

    @Test func regularJitteredAndIrregularTimesRoundTrip() throws {
        var block = SeriesBlock(fieldCount: 1)
        // Regular, then jitter of a few ms, a long gap, a step back in delta, and the extremes of each bucket.
        var times: [Int64] = [1_765_000_000_000]
        for delta in [1000, 1000, 1000, 1003, 997, 1000, 65_000, 1000, 1, 1_000_000, 64, -0, 300_000_000_000] as [Int64] {
            times.append(times[times.count - 1] + delta)
        }
        for time in times { block.append(time: time, values: [1]) }
        let decoded = try roundTrip(block)
        #expect(decoded.times == times)
    }

    @Test func valuesRoundTripExactlyWithMissingOnes() throws {
        let values: [Double?] = [
            0, 0, 1, 1_000_000, nil, 1_000_001, 1_000_001, nil, nil, 0.5, -3.25, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity,
            -.infinity, 9_007_199_254_740_992, 123.456, 123.457, 0,
        ]
        var block = SeriesBlock(fieldCount: 2)
        for (index, value) in values.enumerated() { block.append(time: Int64(index) * 1000, values: [value, Double(index)]) }
        let decoded = try roundTrip(block)
        #expect(decoded.columns[0] == values)
        #expect(decoded.columns[1] == values.indices.map { Double($0) })
    }

    @Test func notANumberStaysNotANumberAndIsNotMissing() throws {
        var block = SeriesBlock(fieldCount: 1)
        block.append(time: 0, values: [.nan])
        block.append(time: 1000, values: [nil])
        let decoded = try roundTrip(block)
        #expect(decoded.columns[0][0]?.isNaN == true)
        #expect(decoded.columns[0][1] == nil)
    }

    @Test func aSteadyMinuteOfCountersIsSmall() throws {
        // 60 readings a second apart with ±3 ms jitter; 13 fields: a few counters growing steadily, some
        // constant, one gauge wandering — a minute of one backend.
        var block = SeriesBlock(fieldCount: 13)
        var generator = SplitMix(seed: 7)
        for second in 0..<60 {
            let jitter = Int64(generator.next() % 7) - 3
            let time = 1_765_000_000_000 + Int64(second) * 1000 + jitter
            var values: [Double?] = [
                Double(1_000_000 + second * 180), Double(200_000 + second * 20), 0, 0, Double(5_000_000 + second * 400), 0, Double(second / 10),
                10_000, Double(52_000_000 + Int(generator.next() % 4096)), 1_073_741_824, Double(86_400 + second), nil, 12,
            ]
            values[11] = 0.25 + Double(generator.next() % 50) / 1000
            block.append(time: time, values: values)
        }
        let bytes = block.encoded()
        // Raw: 60 × (8 + 13 × 8) = 6,720 bytes.
        #expect(bytes.count < 900, "a steady minute encoded in \(bytes.count) bytes")
        #expect(try SeriesBlock(decoding: bytes) == block)
    }

    @Test func truncatedOrForeignBytesAreErrorsNeverCrashes() throws {
        var block = SeriesBlock(fieldCount: 2)
        for index in 0..<30 { block.append(time: Int64(index) * 1000, values: [Double(index * index), nil]) }
        let bytes = block.encoded()
        for cut in 0..<bytes.count {
            #expect(throws: BlockCodecError.self) { try SeriesBlock(decoding: Array(bytes[..<cut])) }
        }
        #expect(throws: BlockCodecError.self) { try SeriesBlock(decoding: [9] + bytes.dropFirst()) }
        // Random bytes: decoded or refused, never a trap, never an absurd allocation.
        var generator = SplitMix(seed: 42)
        for _ in 0..<2_000 {
            let length = Int(generator.next() % 64)
            let random = [SeriesBlock.formatVersion] + (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = try? SeriesBlock(decoding: random)
        }
    }
}

/// A small deterministic generator (SplitMix64), so the figures above are the same on every run.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
