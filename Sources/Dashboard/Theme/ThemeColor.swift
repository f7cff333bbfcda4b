/// A colour as a theme file writes it: the terminal's default, one of the 256 indexed colours (the first 16
/// by name too), or `#rrggbb` — shown as the nearest colour the terminal has.
package enum ThemeColor: Sendable, Hashable {
    case terminalDefault
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    static let names = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
    ]

    /// Parses `default`, a name (`red`, `bright-blue`, `gray`), `0`–`255`, or `#rrggbb`; `nil` otherwise.
    package init?(parsing text: String) {
        let lower = text.lowercased()
        if lower == "default" || lower == "none" {
            self = .terminalDefault
        } else if let index = Self.names.firstIndex(of: lower) {
            self = .indexed(UInt8(index))
        } else if lower == "gray" || lower == "grey" {
            self = .indexed(8)
        } else if let number = Int(lower), (0...255).contains(number) {
            self = .indexed(UInt8(number))
        } else if lower.hasPrefix("#"), lower.count == 7, let value = UInt32(lower.dropFirst(), radix: 16) {
            self = .rgb(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
        } else {
            return nil
        }
    }

    /// The colour on a 256-colour terminal (`nil` = the terminal's default).
    package var index256: Int? {
        switch self {
        case .terminalDefault: return nil
        case .indexed(let index): return Int(index)
        case .rgb(let r, let g, let b):
            func level(_ value: UInt8) -> Int { value < 48 ? 0 : (value < 115 ? 1 : (Int(value) - 35) / 40) }
            let cube = 16 + 36 * level(r) + 6 * level(g) + level(b)
            let average = (Int(r) + Int(g) + Int(b)) / 3
            let gray = average > 238 ? 255 : 232 + max(0, (average - 3) / 10)
            return distance(to: Self.rgb(of: gray)) < distance(to: Self.rgb(of: cube)) ? gray : cube
        }
    }

    /// The colour on an 8-colour terminal: the nearest of the eight basic ones (`nil` = default).
    package var index8: Int? {
        guard let index = index256 else { return nil }
        if index < 16 { return index % 8 }
        let rgb = Self.rgb(of: index)
        return (0..<8).min { distance(rgb, Self.rgb(of: $0)) < distance(rgb, Self.rgb(of: $1)) }
    }

    private func distance(to other: (Int, Int, Int)) -> Int {
        guard case .rgb(let r, let g, let b) = self else { return 0 }
        return Self.distance((Int(r), Int(g), Int(b)), other)
    }

    private func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int { Self.distance(a, b) }

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        (a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1) + (a.2 - b.2) * (a.2 - b.2)
    }

    /// The RGB of an xterm colour index.
    static func rgb(of index: Int) -> (Int, Int, Int) {
        let basic = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        if index < 16 { return basic[max(0, index)] }
        if index >= 232 {
            let value = 8 + (index - 232) * 10
            return (value, value, value)
        }
        let cube = index - 16
        func channel(_ level: Int) -> Int { level == 0 ? 0 : 55 + level * 40 }
        return (channel(cube / 36), channel(cube / 6 % 6), channel(cube % 6))
    }
}
