import CacheMonitor
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
