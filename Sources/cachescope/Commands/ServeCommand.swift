import ArgumentParser
import Basics
import CacheMonitor
import DemoApp
import Foundation

/// `cachescope serve`: the backends as Prometheus metrics (under redis_exporter's and memcached_exporter's
/// names), the snapshot document, and a health check, over HTTP.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the backends as Prometheus/OpenMetrics metrics (/metrics), the snapshot JSON (/api/snapshot) and /healthz.",
        discussion: """
            Metric names, types and labels follow redis_exporter and memcached_exporter (redis_up, \
            redis_keyspace_hits_total, redis_commands_total{cmd}, redis_db_keys{db}, memcached_commands_total\
            {command,status}, …), each sample with a backend label and, for cluster nodes and pool servers, node; \
            cachescope's own are cachescope_* (backend up, interval hit ratio, attention rules, scrape duration; with \
            --with-demo the demo cache's per-prefix reads, hits, misses and hit ratio over its last 10 s, and its routes' \
            requests and latencies). \
            OpenMetrics 1.0 is served when the scraper's Accept header asks for it. Each backend is read within \
            --timeout: one that does not answer is *_up 0 and the others are intact. A reading is reused within \
            the refresh interval, so several scrapers add no load. Nothing here changes a server.

            /scrape?target=NAME (or HOST:PORT, or a redis:// or memcached:// URL of a configured backend) \
            answers that backend's series alone — the multi-target pattern of redis_exporter and blackbox_exporter: \
            relabel __param_target to instance and redis_exporter's dashboards work per backend. Any other target \
            is refused (400) unless --scrape-any-target is given. Every series of a backend with tags carries \
            tag_<name>="1" per tag (tags = ["prod", "eu-west-1"] gives tag_prod="1", tag_eu_west_1="1").

            Listening on anything but loopback needs --listen given explicitly; without --auth-token-file it \
            warns. Stop it with Ctrl-C or SIGTERM.

            \(ExitStatus.documentation)
            """
    )

    @Option(help: ArgumentHelp("Where to listen: HOST:PORT (default 127.0.0.1:9474).", valueName: "address"))
    var listen: String = "127.0.0.1:9474"

    @Option(help: ArgumentHelp("A file holding a bearer token that every request but /healthz must carry.", valueName: "file"))
    var authTokenFile: String?

    @Option(help: ArgumentHelp("How long reading one backend may take before it counts as down.", valueName: "duration"))
    var timeout: String = "2s"

    @Flag(
        name: .customLong("with-demo"),
        help: "Run the embedded demo app and its traffic too (on a free port): its cache's per-prefix figures and its routes' requests and latencies."
    )
    var demo = false

    @Flag(
        name: .customLong("scrape-any-target"),
        help:
            "Let /scrape?target= read any Redis or memcached server it names, not only the configured backends (anyone who can reach serve can then point it at any host)."
    )
    var scrapeAnyTarget = false

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var record: RecordFlags

    func validate() throws {
        guard let duration = DurationText.parse(timeout), duration > .zero, duration <= .seconds(60) else {
            throw ValidationError("--timeout '\(timeout)': give a duration such as 2s or 500ms (at most 1 minute)")
        }
        _ = try ListenAddress(parsing: listen)
    }

    func run() async throws {
        let address = try ListenAddress(parsing: listen)
        var token: String?
        if let authTokenFile {
            guard let text = try? String(contentsOfFile: authTokenFile, encoding: .utf8) else {
                throw CommandFailure(.usage, "--auth-token-file \(authTokenFile): cannot read it")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, !trimmed.contains(where: \.isWhitespace) else {
                throw CommandFailure(.usage, "--auth-token-file \(authTokenFile): it must hold one token with no spaces")
            }
            token = trimmed
        }
        if !address.isLoopback, token == nil {
            Terminal.printError(
                "cachescope: warning: serving on \(address.host) without --auth-token-file: anyone who reaches it can read the metrics")
        }
        let setup = try connection.setup()
        // The demo on a free port, at its usual rate (serve has no demo options of its own).
        let demoOptions = try DemoOptions.parse(["--port", "0"])
        let session = demo ? try await DemoSession.start(options: demoOptions, backends: try DemoLaunch.backends(setup)) : nil
        let demoBackends = session.map { [MonitoredBackend(id: BackendID(0), source: $0.source, keyPrefix: Array(DemoApp.keyPrefix.utf8))] } ?? []
        let backends = demoBackends + setup.backends(from: demoBackends.count)
        guard !backends.isEmpty || !setup.catalog.discoveries.isEmpty else {
            throw CommandFailure(.usage, "no backend given: add --redis URL or --memcached HOST:PORT, a config file, or --with-demo")
        }
        let timeout = DurationText.parse(timeout) ?? .seconds(2)
        let poller = Poller(
            backends: backends,
            configuration: .init(interval: setup.refresh, timeout: timeout, attention: setup.config?.thresholds.attention ?? AttentionThresholds()))
        await poller.start()
        let discovery = await setup.startDiscovery(poller: poller, from: demoBackends.count)
        // With --record: a recording that stops (disk full) says so on standard error; serving goes on.
        var recording: RecordingSession?
        do {
            if let file = record.file {
                recording = try await RecordingSession.start(
                    file: file, interval: setup.refresh, options: record.options, poller: poller, insights: record.insights
                ) { reason in
                    Terminal.printError("cachescope: \(reason)")
                }
            }
        } catch {
            discovery?.task.cancel()
            await poller.stop()
            await session?.stop()
            throw error
        }
        let collector = MetricsCollector(poller: poller, interval: setup.refresh, timeout: timeout, demo: session)
        let server = MetricsServer(collector: collector, poller: poller, token: token, scrapesAnyTarget: scrapeAnyTarget)
        let (port, task) = try await server.start(host: address.host, port: address.port)
        Terminal.printError("cachescope: serving http://\(address.hostForURL):\(port)/metrics (also /scrape?target=, /api/snapshot, /healthz)")
        let stopped = AsyncStream<Void>.makeStream()
        let signals = StopOnSignals { stopped.continuation.finish() }
        for await _ in stopped.stream {}
        signals.restore()
        task.cancel()
        await task.value
        await recording?.finish()
        discovery?.task.cancel()
        await discovery?.fleet.close()
        await poller.stop()
        await session?.stop()
        for backend in await poller.backends { await backend.source.close() }
    }
}

/// `--listen`: a host (a name, an IPv4 address or a bracketed IPv6 one) and a port.
struct ListenAddress {
    var host: String
    var port: Int

    init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ValidationError("--listen '\(text)': give HOST:PORT, such as 127.0.0.1:9474 or [::1]:9474")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else {
            throw ValidationError("--listen '\(text)': give the host too, such as 127.0.0.1:\(port) (0.0.0.0 for every address)")
        }
        self.host = host
        self.port = port
    }

    /// Whether only this machine can reach it.
    var isLoopback: Bool { host == "localhost" || host.hasPrefix("127.") || host == "::1" }

    /// The host as written in a URL (`[::1]`).
    var hostForURL: String { host.contains(":") ? "[\(host)]" : host }
}
