import Caching
import CachingHummingbird
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// The README's "Caching library in 30 lines" example, kept compiling and true.
@Suite struct ReadmeExampleTests {
    @Test func theReadmeExampleWorksAsWritten() async throws {
        let cache = Cache(backend: SimpleCache(threshold: 1000), configuration: .init(defaultTimeout: 300))

        try await cache.set("user_1", ["name": "Ada", "age": "36"], timeout: 300)
        let user = try await cache.get("user_1", as: [String: String].self)
        #expect(user?["name"] == "Ada")
        try await cache.delete("user_1")

        let calls = CallCounter()
        let expensive = cache.memoize("app.expensive", timeout: 60) { (a: Int, b: Int) in
            calls.tick()
            try await Task.sleep(for: .milliseconds(20))
            return a * b
        }
        #expect(try await expensive(6, 7) == 42)
        #expect(try await expensive(6, 7) == 42)
        #expect(calls.value == 1)
        #expect(try await cache.deleteMemoized(expensive, arguments: 6, 7))
        try await cache.deleteMemoized(expensive)

        let router = Router()
        let hello = CachedResponseMiddleware<BasicRequestContext>(cache: cache, timeout: 300)
        router.group().add(middleware: hello).get("/") { _, _ -> Response in
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "Hello, World!")))
            response.setCacheHeaders(maxAge: 300, visibility: .public)
            return response
        }
        try await Application(router: router).test(.router) { client in
            let first = try await client.execute(uri: "/", method: .get)
            let second = try await client.execute(uri: "/", method: .get)
            #expect(String(buffer: second.body) == "Hello, World!")
            #expect(second.headers[.cacheControl] == "public, max-age=300")
            #expect(second.headers[.expires] == first.headers[.expires])
        }
        #expect(try await cache.backend.has("view//"))
    }
}
