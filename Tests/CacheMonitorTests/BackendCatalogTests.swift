import CacheMonitor
import Memcache
import RESP
import Testing

/// Backend naming, order and selection by name, address or number.
@Suite struct BackendCatalogTests {
    @Test func aUniqueTypeIsNamedByItsType() throws {
        let catalog = try BackendCatalog(redisURLs: ["redis://:secret@10.0.0.5:6379/0"])
        #expect(catalog.backends.map(\.name) == ["redis"])
        #expect(catalog.backends[0].address == "10.0.0.5:6379")
        #expect(try catalog.select(nil).name == "redis")
    }

    @Test func repeatedTypesAreNumberedInTheOrderGiven() throws {
        let catalog = try BackendCatalog(redisURLs: ["redis://a:1", "redis://b:2", "redis://c:3"])
        #expect(catalog.backends.map(\.name) == ["redis1", "redis2", "redis3"])
        #expect(try catalog.select("redis2").address == "b:2")
        #expect(try catalog.select("REDIS3").address == "c:3")
        #expect(try catalog.select("b:2").name == "redis2")
        #expect(try catalog.select("1").name == "redis1")
    }

    @Test func ambiguousMissingOrUnknownSelectionsExplainThemselves() throws {
        let catalog = try BackendCatalog(redisURLs: ["redis://a:1", "redis://b:2"])
        #expect { try catalog.select(nil) } throws: { "\($0)".contains("name one") && "\($0)".contains("redis1 (a:1)") }
        #expect { try catalog.select("nope") } throws: { "\($0)".contains("no backend 'nope'") }
        #expect { try BackendCatalog(redisURLs: []).select(nil) } throws: { "\($0)".contains("--redis") }
        #expect { try BackendCatalog(redisURLs: ["redis://:hunter2@h:x"]) } throws: { "\($0)".contains("***") && !"\($0)".contains("hunter2") }
    }
}

/// Memcached backends in the catalog: a pool is one backend, after the Redis ones.
@Suite struct MemcachedCatalogTests {
    @Test func memcachedBackendsFollowRedisAndAPoolIsOneBackend() throws {
        let catalog = try BackendCatalog(redisURLs: ["redis://r:1"], memcachedServers: ["m1:11211,m2:11212", "m3"])
        #expect(catalog.backends.map(\.name) == ["redis", "memcached1", "memcached2"])
        #expect(catalog.backends[1].address == "m1:11211,m2:11212")
        #expect(catalog.backends[1].memcachedServers?.count == 2)
        #expect(catalog.backends[2].address == "m3:11211")
        #expect(try catalog.select("m2:11212").name == "memcached1", "a pool member's address picks the pool")
        #expect(try catalog.select("m1:11211,m2:11212").name == "memcached1")
        #expect(try catalog.select("3").name == "memcached2")
    }

    @Test func badMemcachedAddressesAreOneLineErrors() {
        for bad in ["", "h:0", "a,,b", "a b", "h:1,h:1"] {
            #expect("\(bad)") {
                _ = try BackendCatalog(redisURLs: [], memcachedServers: [bad])
            } throws: { error in
                "\(error)".hasPrefix("--memcached: ") && !"\(error)".contains("\n")
            }
        }
    }
}

/// Client-side glob matching, the same syntax as Redis `SCAN MATCH`.
@Suite struct KeyGlobTests {
    func matches(_ pattern: String, _ key: String) -> Bool {
        KeyGlob(Array(pattern.utf8)).matches(Array(key.utf8))
    }

    @Test func redisGlobSyntax() {
        #expect(matches("*", ""))
        #expect(matches("*", "anything"))
        #expect(matches("user:*", "user:42"))
        #expect(!matches("user:*", "users:42"))
        #expect(matches("*:42", "user:42"))
        #expect(matches("u?er:*", "user:1"))
        #expect(!matches("u?er", "uer"))
        #expect(matches("h[ae]llo", "hallo") && matches("h[ae]llo", "hello") && !matches("h[ae]llo", "hillo"))
        #expect(matches("h[^e]llo", "hallo") && !matches("h[^e]llo", "hello"))
        #expect(matches("v[0-9]", "v7") && !matches("v[0-9]", "vx"))
        #expect(matches("a\\*b", "a*b") && !matches("a\\*b", "axb"))
        #expect(matches("[\\]]", "]"))
        #expect(matches("*a*b*c*", "xxaxxbxxcxx") && !matches("*a*b*c*", "xxaxxcxxbxx"))
        #expect(matches("a*", "a") && matches("a**", "a") && !matches("a?", "a"))
        #expect(matches("caf*", "café"))
    }
}

/// Backends from a configuration file keep their names and come first.
@Suite struct ConfiguredCatalogTests {
    @Test func configuredNamesStayAndFlagsAreNamedAfterThem() throws {
        let configured = [
            BackendDescriptor(name: "sessions", endpoint: .redis(try RedisURL(parsing: "redis://s:1"))),
            BackendDescriptor(name: nil, endpoint: .memcached(MemcachedServers(MemcachedAddress(host: "m")))),
        ]
        let catalog = try BackendCatalog(configured: configured, redisURLs: ["redis://r:2"], memcachedServers: ["n:3"])
        #expect(catalog.backends.map(\.name) == ["sessions", "memcached1", "redis", "memcached2"])
        #expect(try catalog.select("1").name == "sessions")
    }

    @Test func aNameUsedTwiceIsRefused() throws {
        let configured = [BackendDescriptor(name: "redis", endpoint: .redis(try RedisURL(parsing: "redis://s:1")))]
        #expect { try BackendCatalog(configured: configured, redisURLs: ["redis://r:2"]) } throws: {
            "\($0)".contains("two backends are named 'redis'")
        }
    }
}
