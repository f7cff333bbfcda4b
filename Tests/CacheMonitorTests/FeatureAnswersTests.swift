import Basics
import Caching
import Memcache
import RESP
import TestSupport
import Testing

@testable import CacheMonitor

/// What a backend can do, in one place: the ports its source conforms to, narrowed at run time by what its
/// servers answered — refused with their own words, supported, or not asked yet — kept on the backend until
/// it reconnects.
@Suite struct FeatureAnswersTests {
    let noPermission = Refusal(.noPermission, command: "UNLINK", message: "NOPERM User app has no permissions to run the 'unlink' command")

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func eachBackendsSupportIsTheListOfPortsItsSourceConformsTo() throws {
        let redis = MonitoredBackend(id: BackendID(0), source: RedisSource(name: "redis", url: try RedisURL(parsing: "redis://127.0.0.1:1")))
        let memcached = MonitoredBackend(
            id: BackendID(1), source: MemcachedSource(name: "memcached", addresses: [try MemcachedAddress(parsing: "127.0.0.1:1")]))
        let inProcess = MonitoredBackend(id: BackendID(2), source: InProcessSource(name: "demo", backend: SimpleCache()))
        #expect(BackendFeature.allCases.allSatisfy(redis.offers), "a Redis server does everything")
        #expect(BackendFeature.allCases.filter { !memcached.offers($0) } == [.clientControl], "memcached has no CLIENT KILL")
        #expect(BackendFeature.allCases.filter { !inProcess.offers($0) } == [.health, .clientControl, .metrics], "no server to read")
        #expect(inProcess.health == nil && inProcess.clients == nil && inProcess.metrics == nil)
        #expect(inProcess.availability(of: .health) == .notOffered)
        #expect(inProcess.unavailableReason(.health) == "demo is an in-process cache: it has no server health")
        #expect(redis.traffic?.trafficCost == .listening && inProcess.traffic?.trafficCost == .free)
        #expect(redis.health?.healthViews == .redis && memcached.health?.healthViews == .memcached)
    }

    @Test func nothingIsKnownUntilAServerAnswers() {
        let backend = MonitoredBackend(id: BackendID(0), source: FakeSource())
        for feature in BackendFeature.allCases {
            #expect(backend.answers.answer(for: feature, on: "fake:1") == .unknown)
            #expect(backend.answers.answers(for: feature).isEmpty)
        }
        #expect(backend.availability(of: .keyDeletion) == .available(refusedOn: []))
        #expect(backend.unavailableReason(.keyDeletion) == nil)
    }

    @Test func aRefusalIsKeptWithTheServersOwnWordsAndGreysTheFeatureOut() async throws {
        let source = FakeSource()
        source.add(["session:1", "session:2"])
        source.refuse(.keyDeletion, with: noPermission)
        let backend = MonitoredBackend(id: BackendID(0), source: source)
        let outcome = await ChangeRunner(readOnly: false).start(.deleteKeys([bytes("session:1")]), on: backend).outcome
        #expect(outcome.ending == .failed("fake:1: UNLINK refused: NOPERM User app has no permissions to run the 'unlink' command"))
        #expect(source.keyCount == 2, "nothing was deleted")
        #expect(backend.answers.answer(for: .keyDeletion, on: "fake:1") == .refused(noPermission))
        let answer = FeatureAnswers.ServerAnswer(server: "fake:1", answer: .refused(noPermission))
        #expect(backend.availability(of: .keyDeletion) == .refused([answer]))
        let reason = try #require(backend.unavailableReason(.keyDeletion))
        #expect(reason.contains("fake:1") && reason.contains("NOPERM"), "\(reason)")
        #expect(backend.reasonCannotRun(.invalidatePrefix(bytes("session:"))) == reason, "every change that deletes is refused")
        #expect(backend.reasonCannotRun(.setExpiry(key: bytes("session:1"), milliseconds: 1000)) == nil, "TTLs are another feature")
        let refused = await ChangeRunner(readOnly: false).start(.invalidatePrefix(bytes("session:")), on: backend).outcome
        #expect(refused.ending == .failed(reason), "refused before touching the server again")
        // Every copy of the backend value sees the same answers.
        let copy = backend
        #expect(copy.availability(of: .keyDeletion) == .refused([answer]))
    }

    @Test func successAfterARefusalMakesTheFeatureAvailableAgain() async {
        let source = FakeSource()
        source.add(["a:1"])
        let backend = MonitoredBackend(id: BackendID(0), source: source)
        source.refuse(.keyExpiry, with: Refusal(.unknownCommand, command: "PEXPIRE", message: "ERR unknown command 'PEXPIRE'"))
        _ = await ChangeRunner(readOnly: false).start(.setExpiry(key: bytes("a:1"), milliseconds: 5000), on: backend).outcome
        #expect(!backend.availability(of: .keyExpiry).isAvailable)
        // An operator grants the command and the backend is asked again (after a reconnect, below).
        backend.answers.forgetAll()
        source.refuse(.keyExpiry, with: nil)
        let outcome = await ChangeRunner(readOnly: false).start(.setExpiry(key: bytes("a:1"), milliseconds: 5000), on: backend).outcome
        #expect(outcome.ending == .completed)
        #expect(backend.answers.answer(for: .keyExpiry) == .supported)
        #expect(backend.availability(of: .keyExpiry) == .available(refusedOn: []))
    }

    @Test func oneServerRefusingLeavesTheFeatureAvailableAndNamesIt() {
        let backend = MonitoredBackend(id: BackendID(0), source: FakeSource())
        let refusal = Refusal(reply: "ERR unknown command 'CONFIG', with args beginning with: ", command: "CONFIG GET")
        #expect(refusal.kind == .unknownCommand)
        backend.answers.record(.refused(refusal), for: .traffic, on: "10.0.0.1:6379")
        backend.answers.record(.supported, for: .traffic, on: "10.0.0.2:6379")
        #expect(
            backend.availability(of: .traffic)
                == .available(refusedOn: [FeatureAnswers.ServerAnswer(server: "10.0.0.1:6379", answer: .refused(refusal))]))
        #expect(backend.availability(of: .metrics) == .notOffered, "a fake has no metrics port: conformance comes first")
        backend.answers.record(.supported, for: .metrics)
        #expect(backend.availability(of: .metrics) == .notOffered)
        backend.answers.record(.unknown, for: .traffic, on: "10.0.0.2:6379")
        #expect(!backend.availability(of: .traffic).isAvailable, "every server that answered refused")
        #expect(backend.unavailableReason(.traffic)?.contains("10.0.0.1:6379: CONFIG GET refused: ERR unknown command 'CONFIG'") == true)
    }

    @Test func refusalsAreClassedWhateverTheWording() {
        #expect(Refusal(reply: "NOPERM this user has no permissions to run the 'config|get' command", command: "CONFIG GET").kind == .noPermission)
        #expect(Refusal(reply: "ERR unknown command 'MONITOR', with args beginning with: ", command: "MONITOR").kind == .unknownCommand)
        #expect(Refusal(reply: "ERR MONITOR is not supported in this configuration", command: "MONITOR").kind == .blockedByService)
        #expect(Refusal(reply: "ERR command not allowed", command: "KEYS").kind == .blockedByService)
        #expect(Refusal(reply: "ERR syntax error", command: "CONFIG GET").kind == .other)
    }

    @Test func aCacheWithoutATrafficLogRefusesAndTheBackendKeepsIt() async {
        let backend = MonitoredBackend(id: BackendID(0), source: InProcessSource(name: "null", backend: NullCache()))
        #expect(backend.availability(of: .traffic) == .available(refusedOn: []), "not asked yet")
        let outcome = await TrafficSampling.start(on: backend, options: TrafficOptions(duration: .milliseconds(100))).outcome
        #expect(outcome.ending == .failed("traffic sample refused: a null cache keeps no per-key traffic log"))
        guard case .refused(let answers) = backend.availability(of: .traffic), let refusal = answers.first else {
            Issue.record("the refusal was not kept")
            return
        }
        #expect(refusal.answer == .refused(Refusal(.notSupported, command: "traffic sample", message: "a null cache keeps no per-key traffic log")))
    }

    @Test func answersAreForgottenWhenTheBackendReconnects() async {
        let source = FakeSource()
        let backend = MonitoredBackend(id: BackendID(0), source: source)
        backend.answers.record(.refused(noPermission), for: .keyDeletion, on: "fake:1")
        let poller = Poller(backends: [backend])
        _ = await poller.sampleAll()
        #expect(backend.answers.answer(for: .keyDeletion, on: "fake:1") == .refused(noPermission), "still connected: kept")
        source.setFailure("connection refused")
        _ = await poller.sampleAll()
        #expect(backend.answers.answer(for: .keyDeletion, on: "fake:1") == .refused(noPermission), "down: kept")
        source.setFailure(nil)
        _ = await poller.sampleAll()
        #expect(backend.answers.answer(for: .keyDeletion, on: "fake:1") == .unknown, "reconnected: asked again when next used")
    }
}
