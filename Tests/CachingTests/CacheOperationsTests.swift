import TestSupport
import Testing

@testable import Caching

/// The `Cache` facade's data methods, Flask-Caching checklist items 1–8 and 11, plus bad input.
@Suite struct CacheOperationsTests {
    @Test func setWithoutTimeoutUsesTheDefaultOf300Seconds() async throws {
        let fixture = ClockedCache()
        try await fixture.cache.set("k", "v")
        fixture.clock.advance(by: 299)
        #expect(try await fixture.cache.get("k", as: String.self) == "v")
        fixture.clock.advance(by: 1)
        #expect(try await fixture.cache.get("k", as: String.self) == nil)
    }

    @Test func timeoutZeroNeverExpiresAndNExpiresAfterN() async throws {
        let fixture = ClockedCache()
        try await fixture.cache.set("forever", 1, timeout: 0)
        try await fixture.cache.set("brief", 2, timeout: 1)
        fixture.clock.advance(by: 1)
        #expect(try await fixture.cache.has("brief") == false)
        fixture.clock.advance(by: 10_000_000)
        #expect(try await fixture.cache.get("forever", as: Int.self) == 1)
    }

    @Test func getAndHasMissForMissingAndExpiredKeys() async throws {
        let fixture = ClockedCache()
        #expect(try await fixture.cache.get("nope", as: String.self) == nil)
        #expect(try await fixture.cache.has("nope") == false)
        try await fixture.cache.set("k", "v", timeout: 5)
        fixture.clock.advance(by: 5)
        #expect(try await fixture.cache.get("k", as: String.self) == nil)
        #expect(try await fixture.cache.has("k") == false)
    }

    @Test func addDoesNotOverwriteALiveKey() async throws {
        let fixture = ClockedCache()
        #expect(try await fixture.cache.add("k", "first", timeout: 10))
        #expect(try await fixture.cache.add("k", "second") == false)
        #expect(try await fixture.cache.get("k", as: String.self) == "first")
        fixture.clock.advance(by: 10)
        #expect(try await fixture.cache.add("k", "third"))
        #expect(try await fixture.cache.get("k", as: String.self) == "third")
    }

    @Test func deleteReportsWhetherAKeyWasRemoved() async throws {
        let cache = ClockedCache().cache
        try await cache.set("k", "v")
        #expect(try await cache.delete("k"))
        #expect(try await cache.delete("k") == false)
        #expect(try await cache.get("k", as: String.self) == nil)
    }

    @Test func deleteManyContinuesPastMissingKeys() async throws {
        let cache = ClockedCache().cache
        try await cache.set("hi", "there")
        try await cache.set("bye", "now")
        let removed = try await cache.deleteMany("missing", "hi", "bye")
        #expect(removed == ["missing", "hi", "bye"])
        #expect(try await cache.has("hi") == false)
        #expect(try await cache.has("bye") == false)
    }

    @Test func getManyKeepsArgumentOrderAndGetDictMapsMissesToNil() async throws {
        let cache = ClockedCache().cache
        let stored = try await cache.setMany([("a", 1), ("c", 3)])
        #expect(stored == ["a", "c"])
        #expect(try await cache.getMany(["c", "b", "a"], as: Int.self) == [3, nil, 1])
        let dict = try await cache.getDict(["a", "b"], as: Int.self)
        #expect(dict.count == 2)
        #expect(dict["a"] == .some(1))
        #expect(dict["b"] == .some(nil))
        #expect(try await cache.setMany(["x": "1", "y": "2"]).sorted() == ["x", "y"])
    }

    @Test func incAndDecStartFromDeltaAndAddToIntegers() async throws {
        let cache = ClockedCache().cache
        #expect(try await cache.inc("visits") == 1)
        #expect(try await cache.inc("visits", delta: 10) == 11)
        #expect(try await cache.dec("missing", delta: 3) == -3)
        try await cache.set("n", 41)
        #expect(try await cache.inc("n") == 42)
        #expect(try await cache.get("n", as: Int.self) == 42)
        try await cache.set("word", "forty")
        await #expect { try await cache.inc("word") } throws: { ($0 as? CacheError)?.code == .notAnInteger }
    }

    @Test func valuesRoundTripThroughTheFacade() async throws {
        let cache = ClockedCache().cache
        try await cache.set("bool", true)
        try await cache.set("int", 1)
        try await cache.set("bytes", [UInt8]([1, 2, 3]))
        try await cache.set("list", ["a", "b"])
        try await cache.set("map", ["k": 1.5])
        #expect(try await cache.get("bool", as: Bool.self) == true)
        #expect(try await cache.get("int", as: Int.self) == 1)
        #expect(try await cache.get("bytes", as: [UInt8].self) == [1, 2, 3])
        #expect(try await cache.get("list", as: [String].self) == ["a", "b"])
        #expect(try await cache.get("map", as: [String: Double].self) == ["k": 1.5])
        #expect(try await cache.rawValue("bool")?.format == .json)
    }

    @Test func aStoredNilCannotBeToldFromAMiss() async throws {
        let cache = ClockedCache().cache
        let nothing: String? = nil
        try await cache.set("k", nothing)
        #expect(try await cache.get("k", as: String.self) == nil)
        #expect(try await cache.has("k"))
    }

    @Test func readingAsTheWrongTypeIsAMissThatIsLogged() async throws {
        let logs = LogCapture()
        let cache = Cache(backend: SimpleCache(), configuration: .init(logger: logs.logger))
        try await cache.set("k", "text")
        #expect(try await cache.get("k", as: [Int].self) == nil)
        #expect(logs.messages.contains { $0.level == .error && $0.text.contains("cannot be read as Array<Int>") })
        let strict = Cache(backend: cache.backend, configuration: .init(backendErrors: .throw))
        await #expect(throws: CacheError.self) { try await strict.get("k", as: [Int].self) }
    }

    @Test func keyPrefixIsolatesTwoAppsOnOneStore() async throws {
        let shared = SimpleCache()
        let app1 = Cache(backend: shared, keyPrefix: "app1:")
        let app2 = Cache(backend: shared, keyPrefix: "app2:")
        try await app1.set("user", "alice")
        try await app2.set("user", "bob")
        #expect(try await app1.get("user", as: String.self) == "alice")
        #expect(try await app2.get("user", as: String.self) == "bob")
        #expect(shared.listKeys(prefix: "", limit: 10).keys.map(\.key) == ["app1:user", "app2:user"])
    }

    @Test func clearWithAPrefixRemovesOnlyThatAppsKeys() async throws {
        let shared = SimpleCache()
        let app1 = Cache(backend: shared, keyPrefix: "app1:")
        let app2 = Cache(backend: shared, keyPrefix: "app2:")
        try await app1.set("a", 1)
        try await app1.set("b", 2)
        try await app2.set("a", 3)
        #expect(try await app1.clear())
        #expect(try await app1.has("a") == false)
        #expect(try await app2.get("a", as: Int.self) == 3)
        let unprefixed = Cache(backend: shared)
        #expect(try await unprefixed.clear())
        #expect(shared.statistics().keys == 0)
    }

    @Test func twoCachesWithDifferentBackendsCoexist() async throws {
        let memory = Cache(backend: SimpleCache())
        let disabled = Cache(backend: NullCache(), configuration: .init(warnWhenDisabled: false))
        try await memory.set("k", 1)
        try await disabled.set("k", 1)
        #expect(try await memory.get("k", as: Int.self) == 1)
        #expect(try await disabled.get("k", as: Int.self) == nil)
    }

    // MARK: bad input

    @Test func emptyKeysAreRejected() async throws {
        let cache = ClockedCache().cache
        await #expect(throws: CacheError(.invalidKey, "cache keys must not be empty")) { try await cache.set("", 1) }
        await #expect(throws: CacheError.self) { try await cache.get("", as: Int.self) }
        await #expect(throws: CacheError.self) { try await cache.deleteMany(["ok", ""]) }
    }

    @Test func keysTooLongOrWithSpacesForMemcachedAreRejectedBeforeSending() async throws {
        let backend = RecordingBackend(keyLimits: .memcachedText)
        let cache = Cache(backend: backend, keyPrefix: "app:")
        let long = String(repeating: "k", count: 247)
        await #expect {
            try await cache.set(long, 1)
        } throws: { error in
            (error as? CacheError)?.code == .invalidKey && "\(error)".contains("251 bytes") && "\(error)".contains("at most 250")
        }
        await #expect { try await cache.set("two words", 1) } throws: { "\($0)".contains("a space") }
        await #expect { try await cache.get("line\nbreak", as: Int.self) } throws: { "\($0)".contains("\\x0A") }
        #expect(backend.calls.isEmpty, "nothing invalid reached the backend")
        #expect(try await cache.set(String(repeating: "k", count: 246), 1))
    }

    @Test func negativeTimeoutsAreRejected() async throws {
        let cache = ClockedCache().cache
        await #expect { try await cache.set("k", 1, timeout: -5) } throws: { ($0 as? CacheError)?.code == .invalidTimeout }
        await #expect(throws: CacheError.self) { try await cache.add("k", 1, timeout: -0.5) }
        let misconfigured = Cache(backend: SimpleCache(), defaultTimeout: -1)
        await #expect(throws: CacheError.self) { try await misconfigured.set("k", 1) }
        #expect(try await cache.has("k") == false)
    }

    @Test func valuesThatFailToEncodeAreNeverStored() async throws {
        let cache = ClockedCache().cache
        struct Reading: Codable { var value: Double }
        await #expect { try await cache.set("k", Reading(value: .infinity)) } throws: { ($0 as? CacheError)?.code == .encodingFailed }
        await #expect(throws: CacheError.self) { try await cache.setMany([("a", Reading(value: 1)), ("b", Reading(value: .nan))]) }
        #expect(try await cache.has("k") == false)
        #expect(try await cache.has("a") == false, "set_many stores nothing when one value cannot be encoded")
    }
}
