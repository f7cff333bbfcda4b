import CachingHummingbird
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The tutorial's "Setting cache control headers for responses" section.
@Suite struct CacheControlTests {
    @Test func httpDatesAreIMFFixdate() {
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: -1)) == "Wed, 31 Dec 1969 23:59:59 GMT")
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: 4_102_444_799.9)) == "Thu, 31 Dec 2099 23:59:59 GMT")
    }

    @Test func cacheHeadersSetMaxAgeVisibilityAndExpires() {
        var response = Response(status: .ok)
        response.setCacheHeaders(maxAge: 300, visibility: .public, now: Date(timeIntervalSince1970: 0))
        #expect(response.headers[.cacheControl] == "public, max-age=300")
        #expect(response.headers[.expires] == "Thu, 01 Jan 1970 00:05:00 GMT")
        response.setCacheHeaders(maxAge: 60, visibility: .private, now: Date(timeIntervalSince1970: 0))
        #expect(response.headers[.cacheControl] == "private, max-age=60")
        response.setCacheControl([.noStore])
        #expect(response.headers[.cacheControl] == "no-store")
    }

    @Test func theMiddlewareAddsMaxAgeOnlyWhereMissing() async throws {
        let router = Router()
        router.add(middleware: CacheControlMiddleware(directives: [.maxAge(300)]))
        router.get("plain") { _, _ in "hello" }
        router.get("own") { _, _ -> Response in
            var response = Response(status: .ok)
            response.setCacheControl([.noCache])
            return response
        }
        try await Application(router: router).test(.router) { client in
            let plain = try await client.execute(uri: "/plain", method: .get)
            let own = try await client.execute(uri: "/own", method: .get)
            #expect(plain.headers[.cacheControl] == "max-age=300")
            #expect(own.headers[.cacheControl] == "no-cache")
        }
    }
}
