import CacheMonitor
import Memcache
import RESP
import TestSupport
import Testing

/// Tags (what they may hold, their metric label, `--tag` selection) and the fleet's totals (one rule for the
/// overview's totals line, its group rows and `snapshot --json`).
@Suite struct FleetTests {
    static func backend(_ position: Int, tags: [String] = []) -> MonitoredBackend {
        MonitoredBackend(
            id: BackendID(position), name: "b\(position)", kind: .redis, address: "10.0.0.\(position):6379", tags: tags.compactMap(BackendTag.init),
            source: FakeSource(name: "b\(position)", address: "10.0.0.\(position):6379", kind: .redis))
    }

    /// A backend up with `hits` and `misses` over one second.
    static func up(
        _ position: Int, hits: UInt64, misses: UInt64, memory: UInt64? = nil, limit: UInt64? = nil, operations: UInt64 = 0, evictions: UInt64 = 0
    ) -> BackendSnapshot {
        var before = SourceSample(totalHits: 0, totalMisses: 0)
        before.operations = 0
        var after = SourceSample(totalHits: hits, totalMisses: misses)
        after.operations = operations
        after.evictions = evictions
        after.memoryBytes = memory
        after.maxMemoryBytes = limit
        return BackendSnapshot(backend: backend(position), status: .up, sample: after, rates: BackendRates(from: before, to: after, seconds: 1))
    }

    @Test func theHitRatioIsWeightedByReadsNeverAnAverageOfRatios() {
        // 99% of 10,000 reads and 0% of 100: the fleet hits 98.0%, not (99 + 0) / 2.
        let totals = FleetTotals([Self.up(0, hits: 9_900, misses: 100), Self.up(1, hits: 0, misses: 100)])
        #expect(totals.hitsPerSecond == 9_900)
        #expect(totals.missesPerSecond == 200)
        #expect(abs((totals.hitRatio ?? 0) - 9_900.0 / 10_100.0) < 1e-9)
        #expect(FleetTotals([Self.up(0, hits: 0, misses: 0)]).hitRatio == nil, "no reads is no ratio, never 0%")
    }

    @Test func downBackendsAreCountedButAddNoFigures() {
        var down = Self.up(2, hits: 500, misses: 500, memory: 1_000, limit: 2_000, operations: 900)
        down.status = .down
        var refused = Self.up(3, hits: 1, misses: 1)
        refused.status = .authFailed
        let waiting = BackendSnapshot(backend: Self.backend(4))
        let totals = FleetTotals([
            Self.up(0, hits: 10, misses: 0, memory: 100, limit: 1_000, operations: 50, evictions: 3), Self.up(1, hits: 0, misses: 0, memory: 20),
            down, refused, waiting,
        ])
        #expect(totals.backends == 5 && totals.up == 2 && totals.down == 2 && totals.connecting == 1)
        #expect(totals.hitsPerSecond == 10 && totals.missesPerSecond == 0)
        #expect(totals.operationsPerSecond == 50)
        #expect(totals.evictionsPerSecond == 3)
        #expect(totals.memoryBytes == 120, "memory of the backends up")
        #expect(totals.maxMemoryBytes == 1_000, "the limits of those that have one")
        #expect(FleetTotals([Self.up(0, hits: 1, misses: 1, memory: 5)]).maxMemoryBytes == nil, "no limit anywhere: none")
    }

    @Test func tagsHoldWordsAndBecomeLabelNames() {
        #expect(BackendTag("prod") != nil && BackendTag("eu-west-1") != nil && BackendTag("team/payments") != nil)
        #expect(BackendTag("") == nil && BackendTag("two words") == nil && BackendTag("a,b") == nil && BackendTag("quote\"") == nil)
        #expect(BackendTag("Prod") == BackendTag("prod"), "a tag is the same whatever its case")
        #expect(BackendTag("eu-west-1")?.labelName == "tag_eu_west_1")
        #expect(BackendTag("Team/Payments")?.labelName == "tag_team_payments")
        #expect(BackendTag("zürich")?.labelName == "tag_z_rich", "a label name is ASCII")
        let backend = Self.backend(0, tags: ["eu-west", "eu.west", "prod"])
        #expect(backend.tagLabels.map(\.name) == ["tag_eu_west", "tag_prod"], "two tags with one label name give it once")
    }

    @Test func eachTagIsAChoiceAndACommaAsksForAll() throws {
        func described(_ name: String, _ tags: [String]) throws -> BackendDescriptor {
            var backend = BackendDescriptor(name: name, endpoint: .redis(try RedisURL(parsing: "redis://\(name):6379")))
            backend.tags = tags.compactMap(BackendTag.init)
            return backend
        }
        let catalog = try BackendCatalog(
            configured: [try described("a", ["prod", "eu"]), try described("b", ["prod", "us"]), try described("c", ["staging", "eu"])],
            redisURLs: [])
        func chosen(_ values: [String]) throws -> [String] { try catalog.selecting(try TagSelection(parsing: values)).catalog.backends.map(\.name) }
        #expect(try chosen(["prod"]) == ["a", "b"])
        #expect(try chosen(["PROD,eu"]) == ["a"], "a comma: every tag")
        #expect(try chosen(["us", "staging"]) == ["b", "c"], "two --tag: either")
        #expect(try chosen([]) == ["a", "b", "c"], "no --tag: every backend")
        let typo = try catalog.selecting(try TagSelection(parsing: ["prod", "prdo"]))
        #expect(typo.catalog.backends.map(\.name) == ["a", "b"])
        #expect(typo.unmatched.map(\.name) == ["prdo"], "a tag nobody carries is named for a warning")
        #expect { try catalog.selecting(try TagSelection(parsing: ["prod,staging"])) } throws: { error in
            "\(error)".contains("--tag prod,staging: no backend matches") && "\(error)".contains("tags in use: eu, prod, staging, us")
        }
        #expect { try TagSelection(parsing: ["bad tag"]) } throws: { "\($0)".contains("--tag 'bad tag'") }
        #expect { try TagSelection(parsing: ["prod,"]) } throws: { "\($0)".contains("--tag 'prod,'") }
    }

    @Test func twoBackendsNamedAlikeInTwoFilesNameBothFiles() throws {
        var first = BackendDescriptor(name: "cache", endpoint: .redis(try RedisURL(parsing: "redis://a:6379")))
        first.origin = "/etc/cachescope/config.toml"
        var second = BackendDescriptor(name: "Cache", endpoint: .redis(try RedisURL(parsing: "redis://b:6379")))
        second.origin = "/etc/cachescope/conf.d/payments.toml"
        #expect { try BackendCatalog(configured: [first, second], redisURLs: []) } throws: { error in
            "\(error)".contains("two backends are named 'Cache' (in /etc/cachescope/config.toml and in /etc/cachescope/conf.d/payments.toml)")
        }
    }
}
