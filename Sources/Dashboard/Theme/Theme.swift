/// How one role looks: foreground, background, emphasis.
package struct RoleStyle: Sendable, Hashable {
    package var foreground: ThemeColor
    package var background: ThemeColor
    package var attributes: CellAttributes

    package init(_ foreground: ThemeColor = .terminalDefault, on background: ThemeColor = .terminalDefault, _ attributes: CellAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

/// Colours for every ``StyleRole`` — loaded from `themes/NAME.toml`, with a compiled-in default so the
/// binary works with no files at all.
package struct Theme: Sendable, Hashable {
    package var name: String
    package var styles: [StyleRole: RoleStyle]

    package init(name: String, styles: [StyleRole: RoleStyle]) {
        self.name = name
        self.styles = styles
    }

    /// The style of `role` (the default theme's when this theme leaves it out).
    package func style(for role: StyleRole) -> RoleStyle {
        styles[role] ?? Theme.builtInDefault.styles[role] ?? RoleStyle()
    }

    /// Emphasis that keeps roles apart without any colour (monochrome terminals, `NO_COLOR`).
    package static func monochromeAttributes(for role: StyleRole) -> CellAttributes {
        switch role {
        case .selection, .header: .reverse
        case .error: [.bold, .underline]
        case .warning, .accent, .keyHint, .borderFocused: .bold
        default: []
        }
    }

    /// The default theme, as `themes/default.toml` has it (a test keeps the two equal).
    package static let builtInDefault = Theme(
        name: "default",
        styles: [
            .text: RoleStyle(),
            .dim: RoleStyle(.indexed(245)),
            .accent: RoleStyle(.indexed(81)),
            .border: RoleStyle(.indexed(240)),
            .borderFocused: RoleStyle(.indexed(214), on: .terminalDefault, .bold),
            .header: RoleStyle(.indexed(231), on: .indexed(24), .bold),
            .selection: RoleStyle(.indexed(231), on: .indexed(31)),
            .hit: RoleStyle(.indexed(114)),
            .miss: RoleStyle(.indexed(209)),
            .warning: RoleStyle(.indexed(220)),
            .error: RoleStyle(.indexed(203), on: .terminalDefault, .bold),
            .keyHint: RoleStyle(.indexed(214), on: .terminalDefault, .bold),
            .good: RoleStyle(.indexed(114)),
        ])
}
