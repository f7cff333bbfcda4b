/// Errors as people read them on one line: a row, a status line, a JSON field.
public enum ErrorText {
    /// The error's description with its line breaks turned into spaces.
    public static func oneLine(_ error: any Error) -> String {
        "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
