import Foundation

/// Where `ssh` logs in, as the user writes it for `ssh` itself: a host alias from `~/.ssh/config`, a host,
/// `user@host`, `user@host:port` or `ssh://user@host:port`. Checked enough that `ssh` cannot take it for an
/// option.
public struct SSHDestination: Sendable, Hashable, CustomStringConvertible {
    /// As given.
    public let text: String
    /// What is passed to `ssh` (`user@host:port` becomes `ssh://user@host:port`, the form `ssh` reads ports
    /// from).
    public let argument: String

    /// - Throws: ``SSHDestinationError`` naming what is wrong.
    public init(parsing given: String) throws {
        let text = given.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw SSHDestinationError("an empty ssh destination: give a host, user@host[:port] or a Host alias") }
        guard !text.hasPrefix("-") else { throw SSHDestinationError("ssh destination '\(text)' cannot start with '-'") }
        guard !text.contains(where: { $0.isWhitespace || $0.isNewline || $0 == "'" || $0 == "\"" }) else {
            throw SSHDestinationError("ssh destination '\(text)' has spaces or quotes: give a host, user@host[:port] or a Host alias")
        }
        self.text = text
        if text.lowercased().hasPrefix("ssh://") {
            argument = text
            return
        }
        let hostPart = text.split(separator: "@", maxSplits: 1).last.map(String.init) ?? text
        let hasPort: Bool
        if hostPart.hasPrefix("[") {
            hasPort = hostPart.contains("]:")
        } else {
            let colons = hostPart.filter { $0 == ":" }.count
            guard colons <= 1 else {
                throw SSHDestinationError("ssh destination '\(text)': write an IPv6 address in brackets, e.g. user@[::1]:22")
            }
            hasPort = colons == 1
        }
        if hasPort {
            let portText = hostPart.split(separator: ":").last.map(String.init) ?? ""
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw SSHDestinationError("ssh destination '\(text)': the port '\(portText)' is not a number from 1 to 65535")
            }
            argument = "ssh://" + text
        } else {
            argument = text
        }
    }

    public var description: String { text }
}

/// An ssh destination or configuration that cannot be used, in one line.
public struct SSHDestinationError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
