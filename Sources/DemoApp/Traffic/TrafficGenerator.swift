import Basics
import ConnectionSupport
import Synchronization

/// Virtual clients sending real HTTP requests to the demo app over loopback, at one overall rate, with a
/// Zipf-shaped mix of routes and keys (``TrafficMix``). Counts per route what it sent and saw: requests,
/// hits, misses, errors, p50/p99 latency of hits and of misses.
///
/// Run it for a fixed number of requests (``run(requests:)``) or until stopped (``start()`` / ``stop()``);
/// pause, resume and change the rate while it runs.
package final class TrafficGenerator: Sendable {
    /// The rate `+`/`-` step through (requests per second).
    package static let rateSteps: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000]

    private let client: LoopbackHTTPClient
    private let mix: TrafficMix
    private let clients: Int
    private let pacer: TrafficPacer
    private let statistics = TrafficStatistics()
    private let started = ContinuousClock.now
    private let running = Mutex<Task<Void, Never>?>(nil)

    /// - Parameters:
    ///   - rate: requests per second over all clients (`.infinity`: as fast as they go; 0: none).
    ///   - clients: how many connections send at once.
    package init(host: String = "127.0.0.1", port: Int, mix: TrafficMix, rate: Double = 50, clients: Int = 8, limit: Int? = nil) {
        client = LoopbackHTTPClient(host: host, port: port)
        self.mix = mix
        self.clients = max(1, clients)
        pacer = TrafficPacer(rate: rate, limit: limit)
    }

    /// Sends `requests` requests as fast as the rate allows, then returns what it saw.
    package static func run(
        requests: Int, host: String = "127.0.0.1", port: Int, mix: TrafficMix, rate: Double = .infinity, clients: Int = 8
    ) async -> TrafficReport {
        let generator = TrafficGenerator(host: host, port: port, mix: mix, rate: rate, clients: clients, limit: requests)
        await generator.sendAll()
        return await generator.report()
    }

    /// Starts sending in the background until ``stop()``.
    package func start() {
        running.withLock { task in
            guard task == nil else { return }
            task = Task { await self.sendAll() }
        }
    }

    /// Waits until a bounded generator has sent its requests (or until it is stopped).
    package func waitUntilDone() async {
        let task = running.withLock { $0 }
        await task?.value
    }

    /// Stops sending and waits for the clients to finish their requests in flight.
    package func stop() async {
        let task = running.withLock { task in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await pacer.wakeWaiters()
        await task?.value
    }

    package func setRate(_ rate: Double) async { await pacer.setRate(rate) }
    package func setPaused(_ paused: Bool) async { await pacer.setPaused(paused) }

    /// One step up or down ``rateSteps`` from the current rate; returns the new rate.
    package func stepRate(up: Bool) async -> Double {
        let current = await pacer.rate
        let next =
            up
            ? Self.rateSteps.first { $0 > current } ?? Self.rateSteps.last ?? current
            : Self.rateSteps.last { $0 < current } ?? Self.rateSteps.first ?? current
        await pacer.setRate(next)
        return next
    }

    /// Sends one request now, outside the paced stream (counted like the others): how the dashboard's
    /// `u` updates a user.
    package func send(_ target: String) async throws -> LoopbackHTTPClient.Answer {
        var oneOff = client
        oneOff.keepBodies = true
        let route = DemoRoute.matching(target: target)
        let sent = ContinuousClock.now
        do {
            let answer = try await oneOff.withConnection { get in try await get(target) }
            if let route { statistics.record(route, outcome: answer.outcome, succeeded: (200..<300).contains(answer.status), latency: .now - sent) }
            return answer
        } catch {
            if let route { statistics.record(route, outcome: .none, succeeded: false, latency: .now - sent) }
            throw error
        }
    }

    /// The counts so far.
    package func report() async -> TrafficReport {
        TrafficReport(
            routes: statistics.snapshot(), rate: await pacer.rate, paused: await pacer.paused,
            elapsed: (ContinuousClock.now - started).inSeconds
        )
    }

    private func sendAll() async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask { await self.runClient() }
            }
            await withTaskCancellationHandler {
                await group.waitForAll()
            } onCancel: {
                Task { await self.pacer.wakeWaiters() }
            }
        }
    }

    /// One virtual client: a connection, reopened after failures, sending what the pacer allows.
    private func runClient() async {
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            do {
                let finished = try await client.withConnection { get in
                    while !Task.isCancelled {
                        guard let slot = await pacer.next() else { return true }
                        try? await Task.sleep(until: slot.at, clock: .continuous)
                        let request = mix.request(number: slot.number, using: &random)
                        let sent = ContinuousClock.now
                        do {
                            let answer = try await get(request.target)
                            statistics.record(
                                request.route, outcome: answer.outcome, succeeded: (200..<300).contains(answer.status), latency: .now - sent)
                        } catch {
                            statistics.record(request.route, outcome: .none, succeeded: false, latency: .now - sent)
                            throw error
                        }
                    }
                    return true
                }
                if finished { return }
            } catch {
                // Connection refused or dropped: wait a little, reconnect. The request that failed was counted.
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}

/// What a traffic run sent and saw.
package struct TrafficReport: Sendable {
    /// Per route, in the tutorial's order (routes never sent are absent).
    package var routes: [RouteTraffic]
    /// The current rate (requests per second).
    package var rate: Double
    package var paused: Bool
    /// Seconds since the generator was made.
    package var elapsed: Double

    package var requests: Int { routes.reduce(0) { $0 + $1.requests } }
    package var hits: Int { routes.reduce(0) { $0 + $1.hits } }
    package var misses: Int { routes.reduce(0) { $0 + $1.misses } }
    package var errors: Int { routes.reduce(0) { $0 + $1.errors } }
}
