/// Told of every batch of commands a connection sends, before it is written — so a monitor can count its
/// own commands and leave them out of the server's figures (`INFO commandstats`).
public protocol RESPCommandObserver: Sendable {
    /// `commands` are being sent to `peer` (`host:port`).
    func sent(_ commands: [RESPCommand], to peer: String)
}
