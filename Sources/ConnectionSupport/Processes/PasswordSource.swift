import Synchronization

/// Where a password comes from: given (a URL, a file, an environment variable), or printed by a command —
/// for IAM-style tokens that expire.
public enum PasswordSource: Sendable, Hashable {
    case fixed(String)
    case command(PasswordCommand)

    /// The password; `renewing` asks a command again instead of reusing what it printed last (after the
    /// server refused the login).
    /// - Throws: ``PasswordCommandError`` when the command fails.
    public func password(renewing: Bool = false) async throws -> String {
        switch self {
        case .fixed(let password): password
        case .command(let command): try await command.password(renewing: renewing)
        }
    }

    /// Whether asking again may give another password.
    public var canRenew: Bool {
        if case .command = self { return true }
        return false
    }
}

/// A command whose first line of output is the password (`password_command`), run with `/bin/sh -c` when a
/// connection first needs it and again when the server refuses the password. Its output is never shown: it
/// holds a secret.
public final class PasswordCommand: Sendable, Hashable, CustomStringConvertible {
    /// The command line, as configured.
    public let command: String
    private let timeout: Duration
    private let printed = Mutex<String?>(nil)

    public init(_ command: String, timeout: Duration = .seconds(30)) {
        self.command = command
        self.timeout = timeout
    }

    public var description: String { "password_command" }

    /// The password the command printed (the last one, unless `renewing`).
    /// - Throws: ``PasswordCommandError`` naming the exit status, never the output.
    public func password(renewing: Bool = false) async throws -> String {
        if !renewing, let known = printed.withLock({ $0 }) { return known }
        let outcome: ChildProcess.Outcome
        do {
            outcome = try await ChildProcess.run("/bin/sh", ["-c", command], timeout: timeout)
        } catch {
            throw PasswordCommandError("password_command could not be started: \(error)")
        }
        if outcome.timedOut { throw PasswordCommandError("password_command did not finish within \(timeout)") }
        guard outcome.status == 0 else { throw PasswordCommandError("password_command failed with exit status \(outcome.status)") }
        let first = outcome.output.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let password = first.hasSuffix("\r") ? String(first.dropLast()) : first
        guard !password.isEmpty else { throw PasswordCommandError("password_command printed no password (its first line is empty)") }
        printed.withLock { $0 = password }
        return password
    }

    public static func == (left: PasswordCommand, right: PasswordCommand) -> Bool { left.command == right.command }
    public func hash(into hasher: inout Hasher) { hasher.combine(command) }
}

/// A password command that failed, in one line without its output.
public struct PasswordCommandError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
