import ConnectionSupport
import Memcache
import TestSupport
import Testing

/// memcached refuses `lru_crawler metadump` and `watch` when they arrive behind a reply it has not sent yet
/// ("cannot pipeline other commands before …"): behind a login, they must wait for its `STORED`. The fake
/// server answers the login slowly, so pipelining is caught every time.
@Suite struct LoginBeforeStreamTests {
    private func guarded(_ server: FakeGuardedMemcached, password: String? = nil) -> MemcachedAddress {
        var address = MemcachedAddress(host: "127.0.0.1", port: server.port)
        address.access.credentials = MemcachedCredentials(username: server.username, password: .fixed(password ?? server.password))
        return address
    }

    @Test func theCrawlIsAskedForOnceTheLoginIsAnswered() async throws {
        let server = try FakeGuardedMemcached(keys: ["a:1", "a:2", "b:1"])
        defer { server.stop() }
        var listed: [String] = []
        let summary = try await MetadumpReader.dump(from: guarded(server)) { entries in
            listed += entries.map { String(decoding: $0.key, as: UTF8.self) }
            return true
        }
        #expect(server.refused.isEmpty)
        #expect(summary.completed)
        #expect(listed.sorted() == ["a:1", "a:2", "b:1"])
    }

    @Test func theWatchIsAskedForOnceTheLoginIsAnswered() async throws {
        let server = try FakeGuardedMemcached(keys: [])
        defer { server.stop() }
        let connection = try await MemcachedWatch.open(guarded(server), kinds: ["fetchers"], timeout: .seconds(5)) { _ in }
        await connection.close()
        #expect(server.refused.isEmpty)
    }

    @Test func aRefusedLoginIsSaidAsSuchByTheCrawlAndTheWatch() async throws {
        let server = try FakeGuardedMemcached(keys: ["a:1"], loginDelay: .milliseconds(10))
        defer { server.stop() }
        let address = guarded(server, password: "wrong")
        do {
            _ = try await MetadumpReader.dump(from: address) { _ in true }
            Issue.record("a refused login listed keys")
        } catch let error as MemcachedError {
            #expect(error.code == .authenticationFailed, "\(error)")
        }
        do {
            let connection = try await MemcachedWatch.open(address, kinds: ["fetchers"], timeout: .seconds(5)) { _ in }
            await connection.close()
            Issue.record("a refused login opened a watch")
        } catch let error as MemcachedError {
            #expect(error.code == .authenticationFailed, "\(error)")
            #expect(error.message.contains("refused the login") && !error.message.contains("wrong"), "\(error.message)")
        }
    }
}
