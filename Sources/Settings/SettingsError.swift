/// A configuration or theme file that cannot be used, in one line naming the file, the line and what was
/// expected.
package struct SettingsError: Error, Sendable, CustomStringConvertible {
    package let message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}
