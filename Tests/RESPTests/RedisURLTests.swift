import Basics
import ConnectionSupport
import Testing

@testable import RESP

/// `redis://` URL parsing, and the promise that passwords never show.
@Suite struct RedisURLTests {
    @Test func fullURLsParse() throws {
        let url = try RedisURL(parsing: "redis://alice:s%40cret@cache.example.com:6380/3")
        #expect(url.address == .tcp(host: "cache.example.com", port: 6380))
        #expect(url.username == "alice")
        #expect(url.password == "s@cret")
        #expect(url.database == 3)
    }

    @Test func defaultsAndShortForms() throws {
        #expect(try RedisURL(parsing: "redis://localhost") == RedisURL(address: .tcp(host: "localhost", port: 6379)))
        #expect(try RedisURL(parsing: "redis://:pw@h/").password == "pw")
        #expect(try RedisURL(parsing: "redis://:pw@h/").username == nil)
        #expect(try RedisURL(parsing: "10.0.0.5:7000").address == .tcp(host: "10.0.0.5", port: 7000))
        #expect(try RedisURL(parsing: "redis://bob@h").username == "bob")
        #expect(try RedisURL(parsing: "redis://h?db=4").database == 4)
        #expect(try RedisURL(parsing: "redis://[::1]:6390/1").address == .tcp(host: "::1", port: 6390))
        #expect(try RedisURL(parsing: "unix:///run/redis.sock?db=2").address == .unix(path: "/run/redis.sock"))
        #expect(try RedisURL(parsing: "unix:///run/redis.sock?db=2").database == 2)
    }

    @Test(arguments: [
        ("redis://", "missing host"),
        ("redis://host:abc", "port 'abc'"),
        ("redis://host:70000", "port '70000'"),
        ("redis://host/x", "database 'x'"),
        ("redis://host/-1", "database '-1'"),
        ("rediss://host:1?ssl_cert_reqs=sometimes", "ssl_cert_reqs"),
        ("http://host", "unsupported scheme 'http'"),
        ("unix://relative.sock", "absolute socket path"),
        ("redis://[::1:6379", "unclosed '['"),
    ])
    func badURLsGiveOneClearLine(text: String, reason: String) {
        #expect {
            try RedisURL(parsing: text)
        } throws: { error in
            guard let error = error as? RedisError else { return false }
            return error.code == .invalidURL && error.message.contains(reason) && !error.message.contains("\n")
        }
    }

    @Test func passwordsNeverAppearInDescriptionsOrErrors() throws {
        let url = try RedisURL(parsing: "redis://alice:hunter2@h:1/2")
        #expect(url.description == "redis://alice:***@h:1/2")
        #expect(!url.description.contains("hunter2"))
        #expect(url.hostAndPort == "h:1")
        for bad in ["redis://alice:hunter2@h:bad", "redis://hunter2@h:bad", "hunter2@h:bad", "redis://h:bad?password=hunter2"] {
            #expect {
                try RedisURL(parsing: bad)
            } throws: { error in
                "\(error)".contains("***") && !"\(error)".contains("hunter2")
            }
        }
    }

    @Test func globEscapingMatchesOnlyTheLiteralPrefix() {
        #expect(RedisGlob.matchingPrefix(Array("a[1]*?\\b".utf8)) == Array("a\\[1\\]\\*\\?\\\\b*".utf8))
        #expect(RedisGlob.matchingPrefix([]) == Array("*".utf8))
        #expect(Array("user:1".utf8).hasBytePrefix(Array("user:".utf8)))
        #expect(!Array("use".utf8).hasBytePrefix(Array("user:".utf8)))
    }
}
