/// How one role looks: foreground, background, emphasis.
public struct RoleStyle: Sendable, Hashable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    public var attributes: CellAttributes

    public init(_ foreground: ThemeColor = .terminalDefault, on background: ThemeColor = .terminalDefault, _ attributes: CellAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

/// Colours for every ``StyleRole`` — loaded from `themes/NAME.toml`, with a compiled-in default so the
/// binary works with no files at all.
public struct Theme: Sendable, Hashable {
    public var name: String
    public var styles: [StyleRole: RoleStyle]

    public init(name: String, styles: [StyleRole: RoleStyle]) {
        self.name = name
        self.styles = styles
    }

    /// The style of `role` (the default theme's when this theme leaves it out).
    public func style(for role: StyleRole) -> RoleStyle {
        styles[role] ?? Theme.builtInDefault.styles[role] ?? RoleStyle()
    }

    /// Emphasis that keeps roles apart without any colour (monochrome terminals, `NO_COLOR`).
    public static func monochromeAttributes(for role: StyleRole) -> CellAttributes {
        switch role {
        case .selection, .header: .reverse
        case .error: [.bold, .underline]
        case .warning, .accent, .keyHint, .borderFocused: .bold
        default: []
        }
    }

    /// The default theme, as `themes/default.toml` has it (a test keeps the two equal).
    public static let builtInDefault = Theme(name: "default", styles: [
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
