import Crypto

/// Consistent hashing over a pool of servers, the libketama way: each server owns 160 points on a 32-bit
/// circle (MD5 of `"host:port-i"` for i in 0..<40, four points per digest, little-endian), and a key
/// belongs to the first point at or after the first four bytes of its own MD5. Adding or removing a server
/// moves only about 1/n of the keys.
public struct KetamaRing: Sendable {
    private struct Point: Comparable {
        var hash: UInt32
        var server: Int
        static func < (a: Point, b: Point) -> Bool { (a.hash, a.server) < (b.hash, b.server) }
    }

    private let points: [Point]
    /// How many servers the ring spreads keys over.
    public let serverCount: Int

    /// A ring over servers named like ``MemcachedAddress/description`` (`host:port`).
    public init(serverNames: [String]) {
        precondition(!serverNames.isEmpty, "a ring needs at least one server")
        var points: [Point] = []
        points.reserveCapacity(serverNames.count * 160)
        for (server, name) in serverNames.enumerated() {
            for index in 0..<40 {
                let digest = Array(Insecure.MD5.hash(data: Array("\(name)-\(index)".utf8)))
                for part in 0..<4 { points.append(Point(hash: Self.littleEndian(digest, at: part * 4), server: server)) }
            }
        }
        self.points = points.sorted()
        serverCount = serverNames.count
    }

    /// The index of the server that holds `key`.
    public func server(for key: some Sequence<UInt8>) -> Int {
        guard serverCount > 1 else { return 0 }
        let hash = Self.littleEndian(Array(Insecure.MD5.hash(data: Array(key))), at: 0)
        var low = 0
        var high = points.count
        while low < high {
            let middle = (low + high) / 2
            if points[middle].hash < hash { low = middle + 1 } else { high = middle }
        }
        return points[low == points.count ? 0 : low].server
    }

    private static func littleEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
