/// A configuration or theme file that cannot be used, in one line naming the file, the line and what was
/// expected.
public struct SettingsError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
