/// One value from a `get`/`gets` reply.
public struct MemcachedItem: Sendable, Hashable {
    /// The key, as the server sent it.
    public var key: [UInt8]
    /// The 32-bit flags stored with the value (clients use them to say how the value is encoded).
    public var flags: UInt32
    /// The value's bytes.
    public var value: [UInt8]
    /// The CAS unique (only from `gets`).
    public var casUnique: UInt64?

    public init(key: [UInt8], flags: UInt32, value: [UInt8], casUnique: UInt64? = nil) {
        self.key = key
        self.flags = flags
        self.value = value
        self.casUnique = casUnique
    }
}

/// One `STAT name value` line.
public struct MemcachedStat: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A reply to one command. Error replies (`ERROR`, `CLIENT_ERROR …`, `SERVER_ERROR …`) are values too, so
/// one failing command in a pipeline does not hide the replies of the others.
public enum MemcachedReply: Sendable, Hashable {
    /// `VALUE` blocks up to `END` (hits only; missing keys are simply absent).
    case values([MemcachedItem])
    case stored
    case notStored
    /// `cas` found the item changed since it was read.
    case exists
    case notFound
    case deleted
    case touched
    case ok
    /// The new value after `incr`/`decr`.
    case number(UInt64)
    case version(String)
    case stats([MemcachedStat])
    /// A meta command's `HD [flags…]` (memcached 1.6+): the flags it returned, by their letter (`t` → `95`).
    case meta([Character: String])
    /// A meta get's `VA` with the value: the flags asked for, and the data.
    case metaValue([Character: String], [UInt8])
    /// `ERROR`, `CLIENT_ERROR …` or `SERVER_ERROR …`, typed as ``MemcachedError``.
    case error(MemcachedError)

    /// The error carried by an error reply.
    public var error: MemcachedError? {
        if case .error(let error) = self { return error }
        return nil
    }

    /// The items of a `values` reply, empty otherwise.
    public var items: [MemcachedItem] {
        if case .values(let items) = self { return items }
        return []
    }
}
