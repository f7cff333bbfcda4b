import Testing

@testable import RESP

/// The error codes of the library products are structs over a private enum: callers match them like enum
/// cases (a `switch` with `default`), and new codes can be added without breaking them.
@Suite struct ErrorCodeTests {
    func reaction(to error: RedisError) -> String {
        switch error.code {
        case .timeout, .connectionFailed: "retry later"
        case .authenticationFailed: "check the password"
        default: "give up: \(error.code)"
        }
    }

    @Test func codesMatchLikeCasesAndNameThemselves() {
        #expect(reaction(to: RedisError(.timeout, "slow")) == "retry later")
        #expect(reaction(to: RedisError(.authenticationFailed, "WRONGPASS")) == "check the password")
        #expect(reaction(to: RedisError(.invalidURL, "bad")) == "give up: invalidURL")
        #expect(RedisError(.timeout, "").breaksConnection && !RedisError(.serverError, "").breaksConnection)
        #expect(RedisError(.serverError, "ERR x").code != RedisError(.timeout, "").code)
    }
}
