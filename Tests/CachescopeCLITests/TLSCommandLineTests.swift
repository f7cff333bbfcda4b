import Foundation
import TestSupport
import Testing

/// `rediss://` from the command line and the configuration file, against the TLS redis-server of
/// `scripts/test.sh` (throwaway CA; certificate for `localhost` only; client certificates required).
@Suite(.enabled(if: TestServers.tls != nil && TestServers.tlsDirectory != nil, Comment(rawValue: TestServers.tlsSkipMessage)))
struct TLSCommandLineTests {
    let cli = CommandLineTests()

    func port() throws -> Int { try #require(TestServers.tls?.port) }
    func directory() throws -> String { try #require(TestServers.tlsDirectory) }

    func flags(ca: String = "ca.crt") throws -> [String] {
        let directory = try directory()
        return ["--tls-ca-file", "\(directory)/\(ca)", "--tls-cert-file", "\(directory)/client.crt", "--tls-key-file", "\(directory)/client.key"]
    }

    func backend(_ output: String) throws -> [String: Any] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "not JSON: \(output)")
        return try #require((json["backends"] as? [[String: Any]])?.first)
    }

    @Test func aVerifiedTLSConnectionIsUpAndSaysSo() async throws {
        let result = try await cli.run(["snapshot", "--json", "--interval", "100ms", "--redis", "rediss://localhost:\(try port())"] + flags())
        #expect(result.status == 0, "\(result.output)")
        let redis = try backend(result.output)
        #expect(redis["status"] as? String == "up" && redis["tls"] as? String == "TLS", "\(redis)")
    }

    @Test func aWrongCAIsOneClearLine() async throws {
        let result = try await cli.run(["keys", "--redis", "rediss://localhost:\(try port())"] + flags(ca: "other-ca.crt"))
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 1 && result.output.contains("not trusted") && result.output.contains("--tls-ca-file"), "\(result.output)")
    }

    @Test func skippingVerificationWarnsLoudly() async throws {
        let directory = try directory()
        let result = try await cli.run([
            "snapshot", "--json", "--interval", "100ms", "--redis", "rediss://127.0.0.1:\(try port())", "--tls-skip-verify",
            "--tls-cert-file", "\(directory)/client.crt", "--tls-key-file", "\(directory)/client.key",
        ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("warning: TLS certificate verification is OFF for redis"), "\(result.output)")
        #expect(result.output.contains("\"tls\":\"TLS, certificate NOT verified\""), "\(result.output)")
    }

    @Test func filesAndFlagsThatCannotBeUsedAreUsageErrors() async throws {
        let missing = try await cli.run(["snapshot", "--redis", "rediss://localhost:\(try port())", "--tls-ca-file", "/nonexistent/ca.pem"])
        #expect(
            missing.status == 2 && missing.output.contains("/nonexistent/ca.pem does not exist") && missing.output.split(separator: "\n").count == 1,
            "\(missing.output)")
        let plain = try await cli.run(["snapshot", "--redis", "redis://localhost:\(try port())", "--tls-ca-file", "\(try directory())/ca.crt"])
        #expect(plain.status == 2 && plain.output.contains("rediss://"), "\(plain.output)")
    }

    @Test func theConfigurationFileTakesTLSFields() async throws {
        let directory = try directory()
        let path = try cli.configFile(
            """
            [[backend]]
            name = "managed"
            type = "redis"
            url = "rediss://127.0.0.1:\(try port())"
            tls_ca_file = "\(directory)/ca.crt"
            tls_cert_file = "\(directory)/client.crt"
            tls_key_file = "\(directory)/client.key"
            tls_server_name = "localhost"
            """)
        let result = try await cli.run(["snapshot", "--json", "--interval", "100ms", "--config", path])
        #expect(try backend(result.output)["status"] as? String == "up", "\(result.output)")

        try "[[backend]]\ntype = \"redis\"\nurl = \"redis://127.0.0.1:1\"\ntls_ca_file = \"/ca.pem\"\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        let wrong = try await cli.run(["snapshot", "--config", path])
        #expect(wrong.status == 2 && wrong.output.contains(path + ":4:") && wrong.output.contains("rediss://"), "\(wrong.output)")
    }
}
