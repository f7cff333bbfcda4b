/// The data methods of Flask-Caching's `Cache`: get/set/add/delete, their many-key forms, has, clear,
/// inc and dec. Keys are application keys; the cache adds its prefix.
extension Cache {
    /// The value stored under `key`, or `nil` when it is missing, expired, or a stored `nil`.
    /// - Parameters:
    ///   - type: what to decode the value as.
    ///   - group: count this lookup in a named group too (it then also produces a ``CacheEvent``).
    /// - Throws: ``CacheError`` for an invalid key; backend and decoding failures only under `.throw`.
    public func get<T: Decodable>(_ key: String, as type: T.Type = T.self, group: String? = nil) async throws -> T? {
        let full = try fullKey(key)
        let counters = group.map { statistics.group($0, kind: .manual) }
        let value: T? = try await guarded("get", key: full, fallback: nil) {
            guard let stored = try await backend.get(full), !stored.isNull else { return nil }
            return try CacheValueCoding.decode(T.self, from: stored)
        }
        record(value == nil ? .miss : .hit, in: counters, key: full, arguments: "")
        return value
    }

    /// Stores `value` under `key` for `timeout` (default: the cache's default; `0` = never expires).
    /// - Returns: `true` when stored; `false` when a backend failure was logged instead.
    /// - Throws: ``CacheError`` for an invalid key or timeout, or a value that cannot be encoded.
    @discardableResult
    public func set<T: Encodable>(_ key: String, _ value: T, timeout: CacheTimeout? = nil) async throws -> Bool {
        let full = try fullKey(key)
        let lifetime = try resolve(timeout)
        let encoded = try CacheValueCoding.encode(value)
        return try await guarded("set", key: full, fallback: false) {
            try await backend.set(full, encoded, timeout: lifetime)
            return true
        }
    }

    /// Stores `value` only when `key` is absent or expired.
    /// - Returns: whether the value was stored.
    @discardableResult
    public func add<T: Encodable>(_ key: String, _ value: T, timeout: CacheTimeout? = nil) async throws -> Bool {
        let full = try fullKey(key)
        let lifetime = try resolve(timeout)
        let encoded = try CacheValueCoding.encode(value)
        return try await guarded("add", key: full, fallback: false) {
            try await backend.add(full, encoded, timeout: lifetime)
        }
    }

    /// Removes `key`. - Returns: whether a live entry was removed.
    @discardableResult
    public func delete(_ key: String) async throws -> Bool {
        let full = try fullKey(key)
        return try await guarded("delete", key: full, fallback: false) { try await backend.delete(full) }
    }

    /// Removes every key; a missing key never stops the rest.
    /// - Returns: the (application) keys that are now absent.
    @discardableResult
    public func deleteMany(_ keys: [String]) async throws -> [String] {
        let fullKeys = try keys.map(fullKey)
        let removed = try await guarded("delete_many", key: fullKeys.first ?? "", fallback: [String]()) {
            try await backend.deleteMany(fullKeys)
        }
        let removedSet = Set(removed)
        return zip(keys, fullKeys).filter { removedSet.contains($0.1) }.map(\.0)
    }

    /// Removes every key given; see ``deleteMany(_:)-([String])``.
    @discardableResult
    public func deleteMany(_ keys: String...) async throws -> [String] { try await deleteMany(keys) }

    /// The values of `keys` in the same order, `nil` for misses.
    public func getMany<T: Decodable>(_ keys: [String], as type: T.Type = T.self) async throws -> [T?] {
        let fullKeys = try keys.map(fullKey)
        let stored = try await guarded("get_many", key: fullKeys.first ?? "", fallback: [CacheValue?](repeating: nil, count: keys.count)) {
            try await backend.getMany(fullKeys)
        }
        var values: [T?] = []
        values.reserveCapacity(keys.count)
        for (full, value) in zip(fullKeys, stored) {
            var decoded: T?
            if let value, !value.isNull {
                decoded = try await guarded("get_many", key: full, fallback: nil) { try CacheValueCoding.decode(T.self, from: value) }
            }
            record(decoded == nil ? .miss : .hit, in: nil, key: full, arguments: "")
            values.append(decoded)
        }
        return values
    }

    /// Every requested key mapped to its value, or to `nil` when it missed (Flask's `get_dict`).
    public func getDict<T: Decodable>(_ keys: [String], as type: T.Type = T.self) async throws -> [String: T?] {
        let values = try await getMany(keys, as: T.self)
        var result: [String: T?] = [:]
        for (key, value) in zip(keys, values) { result[key] = .some(value) }
        return result
    }

    /// Stores every pair with one timeout. - Returns: the keys that were stored.
    @discardableResult
    public func setMany<T: Encodable>(_ pairs: [(String, T)], timeout: CacheTimeout? = nil) async throws -> [String] {
        let lifetime = try resolve(timeout)
        var entries: [(key: String, value: CacheValue)] = []
        entries.reserveCapacity(pairs.count)
        for (key, value) in pairs { entries.append((try fullKey(key), try CacheValueCoding.encode(value))) }
        let stored = try await guarded("set_many", key: entries.first?.key ?? "", fallback: [String]()) {
            try await backend.setMany(entries, timeout: lifetime)
        }
        let storedSet = Set(stored)
        return zip(pairs, entries).filter { storedSet.contains($0.1.key) }.map(\.0.0)
    }

    /// Stores every entry of `mapping` with one timeout. - Returns: the keys that were stored.
    @discardableResult
    public func setMany<T: Encodable>(_ mapping: [String: T], timeout: CacheTimeout? = nil) async throws -> [String] {
        try await setMany(mapping.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, timeout: timeout)
    }

    /// Whether `key` holds a live value.
    public func has(_ key: String) async throws -> Bool {
        let full = try fullKey(key)
        return try await guarded("has", key: full, fallback: false) { try await backend.has(full) }
    }

    /// Removes this cache's entries: only keys under ``Configuration/keyPrefix`` when there is one (never a
    /// whole shared Redis db or memcached server), everything in the backend when there is none.
    /// - Returns: `true` when the backend cleared; `false` when a failure was logged instead.
    @discardableResult
    public func clear() async throws -> Bool {
        try await guarded("clear", key: configuration.keyPrefix, fallback: false) {
            _ = try await backend.clear(prefix: configuration.keyPrefix)
            return true
        }
    }

    /// Adds `delta` to the integer under `key` and returns the new value. A missing key counts from 0 and is
    /// stored with the default timeout; an existing key keeps its lifetime. Atomic on every backend.
    /// - Returns: the new value, or `nil` when a backend failure was logged instead.
    /// - Throws: ``CacheError`` `.notAnInteger` when the stored value is not an integer.
    @discardableResult
    public func inc(_ key: String, delta: Int = 1) async throws -> Int? {
        let full = try fullKey(key)
        let lifetime = try resolve(nil)
        return try await guarded("inc", key: full, fallback: nil) {
            Int(try await backend.increment(full, by: Int64(delta), timeout: lifetime))
        }
    }

    /// Subtracts `delta`; see ``inc(_:delta:)``.
    @discardableResult
    public func dec(_ key: String, delta: Int = 1) async throws -> Int? {
        guard delta != Int.min else { throw CacheError(.notAnInteger, "cannot decrement \(KeyText.quoted(key)) by \(delta): it overflows") }
        return try await inc(key, delta: -delta)
    }

    /// The raw stored value and its format, without decoding (for inspection tools).
    public func rawValue(_ key: String) async throws -> CacheValue? {
        let full = try fullKey(key)
        return try await guarded("get", key: full, fallback: nil) { try await backend.get(full) }
    }
}
