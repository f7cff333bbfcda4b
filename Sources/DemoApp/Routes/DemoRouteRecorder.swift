import CachingHummingbird
import HTTPTypes
import Hummingbird

/// Counts every answer per route and labels cached routes' answers `X-Cache: HIT` or `MISS`. Handlers
/// that cache by hand set the header themselves; for cached views it follows the view middleware's
/// `hit_cache` indication (present on hits only).
struct DemoRouteRecorder<Context: RequestContext>: RouterMiddleware {
    let counters: DemoRouteCounters

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = context.endpointPath.flatMap(DemoRoute.init(endpointPath:))
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            if let route { counters.record(route, .none) }
            throw error
        }
        guard let route else { return response }
        var outcome = response.headers[DemoHeaders.outcome].flatMap(CacheOutcome.init(rawValue:)) ?? .none
        if route.isCached, outcome == .none, response.status == .ok {
            outcome = response.headers[DemoHeaders.hitCache] != nil ? .hit : .miss
            response.headers[DemoHeaders.outcome] = outcome.rawValue
        }
        counters.record(route, outcome)
        return response
    }
}

/// The header names the demo reads and writes, built once.
enum DemoHeaders {
    static let outcome = HTTPField.Name(CacheOutcome.headerName)!
    static let hitCache = CachedResponseMiddleware<BasicRequestContext>.hitCacheHeader
}
