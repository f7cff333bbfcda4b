/// What a cell means, never which colour it has: widgets name roles, themes map roles to colours.
public enum StyleRole: String, Sendable, Hashable, CaseIterable {
    case text, dim, accent, border, borderFocused, header, selection, hit, miss, warning, error, keyHint, good

    /// One letter per role, for role dumps in tests.
    public var letter: Character {
        switch self {
        case .text: "."
        case .dim: "d"
        case .accent: "a"
        case .border: "b"
        case .borderFocused: "B"
        case .header: "h"
        case .selection: "s"
        case .hit: "+"
        case .miss: "-"
        case .warning: "w"
        case .error: "e"
        case .keyHint: "k"
        case .good: "g"
        }
    }
}

/// Emphasis on top of a role's colours.
public struct CellAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = CellAttributes(rawValue: 1)
    public static let underline = CellAttributes(rawValue: 2)
    public static let reverse = CellAttributes(rawValue: 4)
}
