import HTTPTypes
import Hummingbird

/// Adds a `Cache-Control` header to every response that does not set its own — the tutorial's
/// `@app.after_request def add_header(response): response.cache_control.max_age = 300`.
///
/// ```swift
/// router.add(middleware: CacheControlMiddleware(directives: [.maxAge(300)]))
/// ```
public struct CacheControlMiddleware<Context: RequestContext>: RouterMiddleware {
    public typealias Input = Request
    public typealias Output = Response

    /// The directives added, e.g. `[.maxAge(300)]`.
    public let directives: [CacheControl.CacheControlValue]

    /// Creates the middleware.
    public init(directives: [CacheControl.CacheControlValue]) {
        self.directives = directives
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.cacheControl] == nil { response.setCacheControl(directives) }
        return response
    }
}
