import Synchronization

/// Lookups the monitor itself makes on memcached servers (value previews, existence counts), noted before
/// they are sent, so that a traffic sample watching the server leaves their `watch` lines out: our own
/// load never shows in the figures. memcached's watch stream does not say which client read a key, so a
/// note is matched by server and key; a note no line matched within ``lifetime`` (the lookup never reached
/// the server) is forgotten, and at most ``capacity`` wait at once.
package final class OwnLookups: Sendable {
    private struct Note {
        var server: String
        var key: [UInt8]
        var at: ContinuousClock.Instant
    }

    static let lifetime: Duration = .seconds(5)
    static let capacity = 10_000
    private let notes = Mutex<[Note]>([])
    /// How many notes wait: a watch line is checked without the lock while there are none (the usual case).
    private let waiting = Atomic<Int>(0)

    package init() {}

    /// Notes that `keys` are about to be looked up on `server`.
    package func note(server: String, keys: [[UInt8]]) {
        let now = ContinuousClock.now
        notes.withLock { notes in
            notes.removeAll { now - $0.at > Self.lifetime }
            for key in keys.prefix(Self.capacity) { notes.append(Note(server: server, key: key, at: now)) }
            if notes.count > Self.capacity { notes.removeFirst(notes.count - Self.capacity) }
            waiting.store(notes.count, ordering: .relaxed)
        }
    }

    /// Whether a lookup of `key` on `server` is one of ours (the note is used up).
    package func take(server: String, key: [UInt8]) -> Bool {
        guard waiting.load(ordering: .relaxed) > 0 else { return false }
        return notes.withLock { notes in
            let now = ContinuousClock.now
            notes.removeAll { now - $0.at > Self.lifetime }
            defer { waiting.store(notes.count, ordering: .relaxed) }
            guard let index = notes.firstIndex(where: { $0.key == key && $0.server == server }) else { return false }
            notes.remove(at: index)
            return true
        }
    }
}
