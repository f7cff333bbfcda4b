/// What a cell means, never which colour it has: widgets name roles, themes map roles to colours.
package enum StyleRole: String, Sendable, Hashable, CaseIterable {
    case text, dim, accent, border, borderFocused, header, selection, hit, miss, warning, error, keyHint, good

    /// The role's position in `allCases`, for tables indexed by role (a terminal's colour cache).
    package var ordinal: Int {
        switch self {
        case .text: 0
        case .dim: 1
        case .accent: 2
        case .border: 3
        case .borderFocused: 4
        case .header: 5
        case .selection: 6
        case .hit: 7
        case .miss: 8
        case .warning: 9
        case .error: 10
        case .keyHint: 11
        case .good: 12
        }
    }

    /// One letter per role, for role dumps in tests.
    package var letter: Character {
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
package struct CellAttributes: OptionSet, Sendable, Hashable {
    package let rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }

    package static let bold = CellAttributes(rawValue: 1)
    package static let underline = CellAttributes(rawValue: 2)
    package static let reverse = CellAttributes(rawValue: 4)
}
