import Foundation
import TestSupport
import Testing

/// Runs the real `cachescope` binary the way a newcomer does.
@Suite struct CommandLineTests {
    /// `cachescope` in the build directory that holds this test binary (or `$CACHESCOPE_BINARY`).
    static var binary: URL? {
        if let override = ProcessInfo.processInfo.environment["CACHESCOPE_BINARY"] { return URL(fileURLWithPath: override) }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let directories = [testBinary.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent()]
        for candidate in directories {
            let url = candidate.appendingPathComponent("cachescope")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// A fresh scratch directory's `config.toml` holding `text`; returns its path (write it again to change it).
    func configFile(_ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("config.toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs the binary; `input` is fed to standard input (closed right away when `nil`); `environment` adds
    /// to (or, with a `nil` value, removes from) the test's environment. The wait happens off the concurrency
    /// pool (see `offThePool`).
    func run(_ arguments: [String], input: String? = nil, environment: [String: String?] = [:]) async throws -> (status: Int32, output: String) {
        let binary = try #require(Self.binary, "the cachescope binary was not built next to the tests; run `swift build` first")
        var merged = ProcessInfo.processInfo.environment
        for (name, value) in environment { merged[name] = value }
        let variables = merged
        return try await offThePool {
            let (status, output) = try CleanProcess.run(binary.path, arguments, environment: variables, input: input.map { Data($0.utf8) })
            return (status, String(decoding: output, as: UTF8.self))
        }
    }

    @Test func versionPrintsTheVersion() async throws {
        let result = try await run(["--version"])
        #expect(result.status == 0)
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil)
    }

    @Test func helpDescribesTheProductAndTheExitCodes() async throws {
        let result = try await run(["--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("htop for caches"))
        #expect(result.output.contains("3 refused because of --read-only"))
        for command in ["keys", "invalidate"] {
            let help = try await run([command, "--help"])
            #expect(help.status == 0)
            #expect(help.output.contains("Exit codes: 0 done; 1 a backend failed"))
            #expect(help.output.contains("--redis <url>"))
        }
        #expect(result.output.contains("USAGE: cachescope"))
        #expect(result.output.contains("--version"))
    }

    @Test func theDashboardWithoutATerminalSaysSoInOneLine() async throws {
        let result = try await run([])
        #expect(result.status == 2)
        #expect(result.output == "cachescope: the dashboard needs a terminal (stdin and stdout); for a one-off report use 'cachescope snapshot'\n")
    }

    @Test func anUnknownOptionIsAUsageError() async throws {
        let result = try await run(["--no-such-flag"])
        #expect(result.status == 2)
        #expect(result.output.contains("Unknown option '--no-such-flag'"))
    }
}
