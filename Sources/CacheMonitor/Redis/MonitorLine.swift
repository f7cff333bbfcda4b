/// One line of Redis's `MONITOR` stream, read: `1700000000.123456 [0 127.0.0.1:52341] "GET" "user:1"` —
/// when, which database, which client (`lua` for a script's commands, `unix:/path` for a socket), and the
/// command with its arguments, each quoted with `\"`, `\\`, `\n`, `\r`, `\t`, `\a`, `\b` and `\xHH` escapes.
package struct MonitorLine: Sendable, Hashable {
    /// Seconds since 1970, as the server's clock had it.
    package var timestamp: Double
    package var database: Int
    /// The client's `host:port` (what `CLIENT LIST` calls `addr`), `lua`, or `unix:…`.
    package var client: [UInt8]
    /// The command name and its arguments.
    package var arguments: [[UInt8]]

    /// At most this many arguments are read (the keys of a huge `MGET` past them are not counted).
    package static let maxArguments = 4_096

    /// Reads one line; `nil` when it is not `MONITOR`'s format.
    package static func parse(_ line: [UInt8]) -> MonitorLine? {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")), let timestamp = seconds(line[..<space]) else { return nil }
        var index = space + 1
        guard index < line.count, line[index] == UInt8(ascii: "[") else { return nil }
        index += 1
        guard let dbEnd = line[index...].firstIndex(of: UInt8(ascii: " ")), let database = Int(decimal: line[index..<dbEnd]) else { return nil }
        index = dbEnd + 1
        guard let clientEnd = line[index...].firstIndex(of: UInt8(ascii: "]")) else { return nil }
        let client = Array(line[index..<clientEnd])
        index = clientEnd + 1
        var arguments: [[UInt8]] = []
        while index < line.count, arguments.count < maxArguments {
            guard line[index] == UInt8(ascii: " "), index + 1 < line.count, line[index + 1] == UInt8(ascii: "\"") else { return nil }
            index += 2
            var argument: [UInt8] = []
            var closed = false
            while index < line.count {
                let byte = line[index]
                if byte == UInt8(ascii: "\"") {
                    closed = true
                    index += 1
                    break
                }
                guard byte == UInt8(ascii: "\\") else {
                    argument.append(byte)
                    index += 1
                    continue
                }
                guard index + 1 < line.count else { return nil }
                let escaped = line[index + 1]
                index += 2
                switch escaped {
                case UInt8(ascii: "n"): argument.append(0x0A)
                case UInt8(ascii: "r"): argument.append(0x0D)
                case UInt8(ascii: "t"): argument.append(0x09)
                case UInt8(ascii: "a"): argument.append(0x07)
                case UInt8(ascii: "b"): argument.append(0x08)
                case UInt8(ascii: "x"):
                    guard index + 1 < line.count, let high = hexValue(line[index]), let low = hexValue(line[index + 1]) else { return nil }
                    argument.append(high << 4 | low)
                    index += 2
                default: argument.append(escaped)
                }
            }
            guard closed else { return nil }
            arguments.append(argument)
        }
        guard !arguments.isEmpty else { return nil }
        return MonitorLine(timestamp: timestamp, database: database, client: client, arguments: arguments)
    }

    /// `1700000000.123456` read as seconds.
    private static func seconds(_ text: ArraySlice<UInt8>) -> Double? {
        guard let dot = text.firstIndex(of: UInt8(ascii: ".")), let whole = Int(decimal: text[..<dot]) else {
            return Int(decimal: text).map(Double.init)
        }
        let fraction = text[(dot + 1)...]
        guard let digits = Int(decimal: fraction) else { return nil }
        var scale = 1.0
        for _ in 0..<fraction.count { scale *= 10 }
        return Double(whole) + Double(digits) / scale
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
