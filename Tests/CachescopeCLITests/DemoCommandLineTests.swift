import Foundation
import Testing

/// `cachescope demo` and the demo's safety rules, through the real binary.
@Suite struct DemoCommandLineTests {
    let cli = CommandLineTests()

    @Test func aBoundedHeadlessRunPrintsEveryRouteItSent() async throws {
        let result = try await cli.run(["demo", "--port", "0", "--requests", "300", "--rate", "500"])
        #expect(result.status == 0, "\(result.output)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("demo app on http://127.0.0.1:") == true)
        #expect(lines.contains { $0.hasPrefix("route") && $0.contains("p50 hit") && $0.contains("p99 miss") })
        let total = try #require(lines.first { $0.hasPrefix("total") })
        let numbers = total.split(separator: " ").compactMap { Int($0.replacingOccurrences(of: ",", with: "")) }
        #expect(numbers.first == 300, "the total is the count asked for: \(total)")
        #expect(numbers.count >= 4 && numbers[3] == 0, "no request failed: \(total)")
        #expect(lines.contains { $0.hasPrefix("/api/users/{id} ") }, "the hottest route appears")
    }

    @Test func theDemoRefusesToWriteToServersInReadOnly() async throws {
        let result = try await cli.run(["--demo", "--read-only", "--redis", "redis://127.0.0.1:1"])
        #expect(result.status == 2)
        let demo = try await cli.run(["demo", "--read-only", "--memcached", "127.0.0.1:1"])
        #expect(demo.status == 2)
        #expect(demo.output.contains("--read-only and the demo"))
        #expect(demo.output.split(separator: "\n").count == 1, "one line: \(demo.output)")
    }

    @Test func badDemoFlagsAreUsageErrors() async throws {
        for arguments in [
            ["demo", "--port", "70000"], ["demo", "--rate", "-1"], ["demo", "--requests", "0"], ["demo", "--requests", "5", "--rate", "0"],
        ] {
            let result = try await cli.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.output)")
            #expect(!result.output.isEmpty)
        }
    }

    @Test func aReaderThatStopsReadingEndsTheRunQuietly() throws {
        // `cachescope demo | head -1`: once the reader is gone the next status line must not crash the command.
        let binary = try #require(CommandLineTests.binary)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["demo", "--port", "0", "--rate", "5"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        var first = Data()
        while !first.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            first.append(chunk)
        }
        #expect(String(decoding: first, as: UTF8.self).hasPrefix("demo app on http://127.0.0.1:"))
        try output.fileHandleForReading.close()
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        #expect(!process.isRunning)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "no crash on the closed pipe")
        #expect(!String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("Fatal error"))
    }
}
