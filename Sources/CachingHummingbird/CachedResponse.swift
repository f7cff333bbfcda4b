import Caching
import HTTPTypes
import Hummingbird

/// A response with its own cache lifetime — Flask-Caching's `CachedResponse(response, timeout)`.
///
/// Return it from a handler behind ``CachedResponseMiddleware`` to store this one response for `timeout`
/// instead of the route's timeout. Unlike Flask-Caching, a timeout of `0` means "never expires" here, not
/// "use the route's timeout". The lifetime travels in an internal header that the middleware removes; it
/// never reaches the client.
public struct CachedResponse<Generator: ResponseGenerator>: ResponseGenerator {
    /// What the handler produced.
    public var generator: Generator
    /// How long to cache this response.
    public var timeout: CacheTimeout

    /// Wraps a response (or anything that produces one) with a lifetime.
    public init(_ generator: Generator, timeout: CacheTimeout) {
        self.generator = generator
        self.timeout = timeout
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try generator.response(from: request, context: context)
        response.headers[overrideHeader] = String(timeout.seconds)
        return response
    }
}

/// The internal header carrying a ``CachedResponse`` timeout from the handler to the middleware.
let overrideHeader = HTTPField.Name("x-cachescope-cache-timeout")!

extension CachedResponse where Generator == Response {
    /// Removes the internal timeout header from `response`, returning the response and the timeout it held.
    static func removingOverride(from response: Response) -> (response: Response, timeout: CacheTimeout?) {
        guard let text = response.headers[overrideHeader] else { return (response, nil) }
        var cleaned = response
        cleaned.headers[overrideHeader] = nil
        return (cleaned, Double(text).map(CacheTimeout.init(seconds:)))
    }
}
