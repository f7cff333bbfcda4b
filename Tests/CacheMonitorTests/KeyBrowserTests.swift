import Caching
import Foundation
import RESP
import TestSupport
import Testing

@testable import CacheMonitor

/// The key browser model: the window, sorting, TTL countdowns, the prefix tree, kinds and value previews.
@Suite struct KeyBrowserTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func theWindowHoldsAtMostItsCapacityAndSaysThereIsMore() async throws {
        let backend = SimpleCache(threshold: 1000)
        for index in 0..<250 { try backend.set("k:\(index)", CacheValue(format: .text, bytes: [1]), timeout: 0) }
        for index in 0..<5 { try backend.set("other:\(index)", CacheValue(format: .text, bytes: [1]), timeout: 0) }
        let source = InProcessSource(name: "demo", backend: backend)
        var updates = 0
        let window = try await KeyWindow.load(from: source, matching: .prefix(bytes("k:")), capacity: 100) { _ in
            updates += 1
            return true
        }
        #expect(window.keys.count == 100 && window.more && window.complete && updates >= 1)
        let all = try await KeyWindow.load(from: source, matching: .glob(bytes("other:[0-2]")), capacity: 100)
        #expect(all.keys.map(\.key) == ["other:0", "other:1", "other:2"].map(bytes) && !all.more)
    }

    @Test(.enabled(if: TestServers.redis != nil, Comment(rawValue: TestServers.skipMessage)))
    func aRedisWindowIsFilledPageByPage() async throws {
        let prefix = "browser-test:\(UUID().uuidString.prefix(8)):"
        let admin = RedisClient(url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        try await admin.send((0..<3000).map { RESPCommand("SET", ["\(prefix)\($0)", "v", "EX", "600"]) })
        let source = RedisSource(name: "redis", url: try RedisURL(parsing: try #require(TestServers.redisURL())))
        var pages: [Int] = []
        let window = try await KeyWindow.load(from: source, matching: .prefix(bytes(prefix)), capacity: 2500) { window in
            pages.append(window.keys.count)
            return true
        }
        #expect(window.keys.count == 2500 && window.more)
        #expect(pages.count > 2, "the first page arrives before the window is full")
        #expect(Set(window.keys.map(\.key)).count == 2500)
        // Read right after writing a 600 s TTL (a loaded CI machine may take a while between the two).
        #expect(window.keys.allSatisfy { $0.type == "string" && (540_000...600_000).contains($0.ttlMilliseconds ?? 0) })
        try await admin.deleteKeys(withPrefix: bytes(prefix))
        await admin.close()
        await source.close()
    }

    @Test func sortingAndLiveTTLs() {
        var window = KeyWindow(filter: .all, capacity: 10)
        let keys = [
            BrowsedKey(key: bytes("b"), type: "string", ttlMilliseconds: 5000, size: 10, readAt: 100),
            BrowsedKey(key: bytes("a"), type: "string", ttlMilliseconds: nil, size: 300, readAt: 100),
            BrowsedKey(key: bytes("c"), type: "string", ttlMilliseconds: 2000, size: nil, readAt: 100),
        ]
        window = KeyWindow.testWindow(keys)
        #expect(window.sorted(by: .key).map(\.key) == ["a", "b", "c"].map(bytes))
        #expect(window.sorted(by: .ttl).map(\.key) == ["c", "b", "a"].map(bytes), "soonest first, no expiry last")
        #expect(window.sorted(by: .size).map(\.key) == ["a", "b", "c"].map(bytes), "largest first, unknown last")
        #expect(keys[0].remainingMilliseconds(at: 101.5) == 3500, "counts down from when it was read")
        #expect(keys[2].remainingMilliseconds(at: 110) == 0, "never below zero")
        #expect(keys[1].remainingMilliseconds(at: 110) == nil)
        #expect(KeySort.key.next == .ttl && KeySort.size.next == .key)
        window.remove([bytes("b")])
        #expect(window.keys.count == 2)
    }

    @Test func theTreeGroupsByDelimitersWithCountsAndMergesSingleChildChains() throws {
        let keys = [
            "user:1:name", "user:1:age", "user:2:name", "flask_cache_view//api/users", "flask_cache_view//api/users/7", "plain",
            "cachescope_demo:user_7", "cachescope_demo:view//",
        ].map(bytes)
        let tree = KeyTree(keys: keys)
        #expect(tree.count == 8)
        #expect(tree.roots.map { String(decoding: $0.segment, as: UTF8.self) } == ["cachescope_demo:", "flask_cache_view//api/", "plain", "user:"])
        let demo = tree.roots[0]
        #expect(demo.count == 2 && demo.prefix == bytes("cachescope_demo:"), "no useless cachescope_ level")
        let user = tree.roots[3]
        #expect(user.count == 3 && user.prefix == bytes("user:"))
        #expect(user.children.map { String(decoding: $0.segment, as: UTF8.self) } == ["1:", "2:name"], "a group of one key is that key")
        #expect(user.children[0].count == 2 && user.children[0].prefix == bytes("user:1:"))
        #expect(user.children[0].children.allSatisfy { $0.isKey })
        #expect(user.children[1].isKey && user.children[1].prefix == bytes("user:2:name"))
        let flask = tree.roots[1]
        #expect(flask.count == 2 && flask.children.map { String(decoding: $0.segment, as: UTF8.self) } == ["users", "users/7"])
        let only = KeyTree(keys: keys, delimiters: try KeyDelimiters(":"))
        #expect(
            only.roots.map { String(decoding: $0.segment, as: UTF8.self) } == [
                "cachescope_demo:", "flask_cache_view//api/users", "flask_cache_view//api/users/7", "plain", "user:",
            ])
        #expect(only.roots[3].isKey && only.roots[3].count == 1)
    }

    @Test func delimitersComeFromTextAndSayWhatIsWrong() throws {
        #expect(try KeyDelimiters(":/").bytes == [UInt8(ascii: ":"), UInt8(ascii: "/")])
        #expect(KeyDelimiters.standard.text == "-./:_|")
        #expect(throws: MonitorError.self) { try KeyDelimiters("") }
        #expect(throws: MonitorError.self) { try KeyDelimiters(": ") }
        #expect(throws: MonitorError.self) { try KeyDelimiters("·") }
        #expect(KeyDelimiters.standard.parentPrefix(of: bytes("user:42:name")) == bytes("user:42:"))
        #expect(KeyDelimiters.standard.parentPrefix(of: bytes("plain")) == bytes("plain"))
    }

    @Test func flaskCachingAndCachingKeysAreLabelled() {
        #expect(KeyKind.of(bytes("flask_cache_view//api/users")) == .view)
        #expect(KeyKind.of(bytes("view//api/users")) == .view)
        #expect(KeyKind.of(bytes("flask_cache_app.views.expensive_memver")) == .version)
        #expect(KeyKind.of(bytes("flask_cache_Xw3kP0vD1aQ9rT5uAbCdEf")) == .memoize, "22 characters: hash + version")
        #expect(KeyKind.of(bytes("myapp:memoize/app.expensive/abcdEFGH12345678Qw3kP0")) == .plain, "unknown prefix")
        #expect(KeyKind.of(bytes("myapp:memoize/app.expensive/abcdEFGH12345678Qw3kP0"), prefix: bytes("myapp:")) == .memoize)
        #expect(KeyKind.of(bytes("myapp:memoize/app.expensive_memver"), prefix: bytes("myapp:")) == .version)
        #expect(KeyKind.of(bytes("user_1")) == .plain)
    }

    @Test func valuePreviewsAreSafeAndBounded() {
        let pickle: [UInt8] = [UInt8(ascii: "!"), 0x80, 0x05, 0x95, 0x10]
        #expect(ValueDescription(prefix: pickle, length: 120).label == "Flask-Caching pickle")
        #expect(ValueDescription(prefix: [0x80, 0x04, 0x95], length: 40, flags: 1).label == "Python pickle")
        let json = ValueDescription(prefix: bytes("{\"b\":1,\"a\":[1,2]}"), length: 17)
        #expect(json.label == "json" && json.lines.first == "{")
        #expect(ValueDescription(prefix: bytes("42"), length: 2).label == "integer")
        let text = ValueDescription(prefix: bytes("hello\u{1B}[31mred"), length: 14)
        #expect(text.label == "text" && text.lines == ["hello\\x1B[31mred"], "escape sequences are shown, never sent to the terminal")
        let binary = ValueDescription(prefix: [0xFF, 0x00, 0x41], length: 1000)
        #expect(binary.label == "binary" && binary.truncated && binary.lines[0].hasPrefix("0000  ff 00 41"))
        let long = ValueDescription(prefix: bytes((0..<40).map { "line \($0)" }.joined(separator: "\n")), length: 400, maxLines: 5)
        #expect(long.lines.count == 5 && long.lines.last?.hasPrefix("…") == true)
    }
}

extension KeyWindow {
    /// A window holding `keys` (for pure sorting tests).
    static func testWindow(_ keys: [BrowsedKey]) -> KeyWindow {
        var window = KeyWindow(filter: .all, capacity: max(1, keys.count))
        window.setKeysForTests(keys)
        return window
    }
}
