import Basics
import Foundation

/// Standard output written in chunks: text collects in memory and goes out when 64 KiB have gathered or
/// 100 ms have passed since the last write — one system call per chunk instead of one per line, while a
/// person watching a slow listing still sees it grow.
struct BufferedOutput {
    private var pending: [UInt8] = []
    private var lastFlush = ContinuousClock.now
    private var writesSinceCheck = 0
    private static let chunkBytes = 64 * 1024

    init() {
        pending.reserveCapacity(Self.chunkBytes)
    }

    mutating func write(_ text: String) {
        pending.append(contentsOf: text.utf8)
        if pending.count >= Self.chunkBytes {
            flush()
        } else {
            // Look at the clock only every 64 writes: it is the most expensive part of a small write.
            writesSinceCheck &+= 1
            if writesSinceCheck & 63 == 0, ContinuousClock.now - lastFlush > .milliseconds(100) { flush() }
        }
    }

    /// Appends the decimal digits of `number`, with no string made for them.
    mutating func writeDecimal(_ number: Int64) {
        if number < 0 { pending.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for the 20 digits of UInt64.max
        withUnsafeMutableBytes(of: &digits) { buffer in
            let count = DecimalDigits.write(number.magnitude, into: buffer, at: 0)
            pending.append(contentsOf: buffer[..<count])
        }
    }

    /// Appends `text` as a JSON string when it needs no escaping (printable ASCII without `"` or `\`) and
    /// returns `true`; returns `false`, writing nothing, otherwise.
    mutating func writePlainJSONString(_ bytes: [UInt8]) -> Bool {
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else { return false }
        pending.append(UInt8(ascii: "\""))
        pending.append(contentsOf: bytes)
        pending.append(UInt8(ascii: "\""))
        return true
    }

    /// Sends everything written so far.
    mutating func flush() {
        lastFlush = ContinuousClock.now
        guard !pending.isEmpty else { return }
        Terminal.writeStandardOutput(Data(pending))
        pending.removeAll(keepingCapacity: true)
    }
}
