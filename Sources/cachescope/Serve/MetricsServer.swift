import CacheMonitor
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The HTTP side of `cachescope serve`: `/metrics` (Prometheus text, or OpenMetrics when the scraper asks),
/// `/api/snapshot` (the `snapshot --json` document) and `/healthz` — nothing that changes anything.
struct MetricsServer {
    let collector: MetricsCollector
    let poller: Poller<ContinuousClock>
    /// A bearer token every request but `/healthz` must carry, when set.
    let token: String?
    /// Whether `/scrape` reads any server it is given, not only the configured backends.
    let scrapesAnyTarget: Bool

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let collector = collector
        let poller = poller
        router.get("/healthz") { _, _ in Self.text("ok\n", type: "text/plain; charset=utf-8") }
        let guarded = router.group().add(middleware: BearerTokenCheck(token: token))
        guarded.get("/metrics") { request, _ in
            let format = ExpositionFormat.negotiated(accept: request.headers[.accept])
            return Self.text(format.render(await collector.families()), type: format.contentType)
        }
        // The multi-target pattern of redis_exporter and blackbox_exporter: one backend's series alone, so a
        // scrape job with `__param_target` relabelled to `instance` gives each backend its own instance.
        let scrapesAnyTarget = scrapesAnyTarget
        guarded.get("/scrape") { request, _ in
            let format = ExpositionFormat.negotiated(accept: request.headers[.accept])
            let target: ScrapeTarget
            do {
                target = try ScrapeTarget.resolve(
                    request.uri.queryParameters.get("target"), among: await poller.backends, allowAny: scrapesAnyTarget)
            } catch let failure as ScrapeTarget.Failure {
                return Response(
                    status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: failure.message + "\n")))
            }
            let families: [MetricFamily]
            switch target {
            case .configured(let id): families = await collector.families(target: id)
            case .other(let backend): families = await collector.families(of: backend)
            }
            return Self.text(format.render(families), type: format.contentType)
        }
        guarded.get("/api/snapshot") { _, _ in
            _ = await collector.firstSnapshot()
            let snapshot = await poller.current
            return Self.text(SnapshotReport.document(snapshot).text + "\n", type: "application/json")
        }
        return router
    }

    static func text(_ body: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// Serves on `host:port` until the task is cancelled; returns once it accepts connections.
    /// - Throws: ``CommandFailure`` (usage) when the address cannot be listened on (a port in use).
    func start(host: String, port: Int) async throws -> (port: Int, task: Task<Void, Never>) {
        let (events, continuation) = AsyncStream.makeStream(of: Result<Int, any Error>.self)
        let logger = Logger(label: "cachescope.serve") { _ in SwiftLogNoOpLogHandler() }
        let application = Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in continuation.yield(.success(channel.localAddress?.port ?? port)) }, logger: logger)
        let task = Task {
            do {
                try await application.run()
            } catch {
                continuation.yield(.failure(error))
            }
            continuation.finish()
        }
        for await event in events {
            switch event {
            case .success(let bound): return (bound, task)
            case .failure(let error):
                let text = String(describing: error)
                let reason = text.contains("Address already in use") || text.contains("EADDRINUSE") ? "the port is in use" : text
                throw CommandFailure(.usage, "cannot listen on \(host):\(port): \(reason)")
            }
        }
        throw CommandFailure(.usage, "cannot listen on \(host):\(port)")
    }
}

/// Refuses a request without `Authorization: Bearer <token>` (401), when a token is set.
struct BearerTokenCheck<Context: RequestContext>: RouterMiddleware {
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token else { return try await next(request, context) }
        guard request.headers[.authorization] == "Bearer \(token)" else {
            return Response(
                status: .unauthorized, headers: [.wwwAuthenticate: "Bearer", .contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "a bearer token is required (Authorization: Bearer …)\n")))
        }
        return try await next(request, context)
    }
}
