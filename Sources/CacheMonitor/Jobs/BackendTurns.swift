/// One sampler at a time per backend, for schedules that run several kinds (a recording's keyspace and
/// traffic samples): a keyspace sample's lookups (`TYPE`, `PTTL`) of keys that expired since `SCAN` listed
/// them raise key-miss events that a traffic sample listening at the same time would count as the
/// application's misses, and two samplers at once are twice the load on the server. Backends are named by
/// their name; different backends never wait for each other.
package actor BackendTurns {
    private var busy: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    package init() {}

    /// Runs `body` once no other turn of `backend` runs. A waiting turn starts even when its task was
    /// cancelled meanwhile (the body is expected to see the cancellation and end at once).
    package func run<Result: Sendable>(on backend: String, _ body: @Sendable () async -> Result) async -> Result {
        while busy.contains(backend) {
            await withCheckedContinuation { waiting[backend, default: []].append($0) }
        }
        busy.insert(backend)
        defer {
            busy.remove(backend)
            for next in waiting.removeValue(forKey: backend) ?? [] { next.resume() }
        }
        return await body()
    }
}
