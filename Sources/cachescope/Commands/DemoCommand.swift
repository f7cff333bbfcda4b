import ArgumentParser
import Basics
import CacheMonitor
import Dashboard
import DemoApp
import Foundation

/// `cachescope demo`: the embedded demo app and its traffic generator without the dashboard — a status
/// line per second, or with `--requests N` a bounded run and a per-route table.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the demo web app (the Flask-Caching tutorial, one route per section) and its traffic, without the dashboard.",
        discussion: """
            The app serves on 127.0.0.1 (--port, default 5000; a free port when taken). With --redis or --memcached \
            its /redis and /memcached routes use those servers, writing only keys under cachescope_demo:. Ctrl-C stops.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var demo: DemoOptions

    @Option(help: ArgumentHelp("Send this many requests as fast as --rate allows, print a table per route and exit.", valueName: "n"))
    var requests: Int?

    func validate() throws {
        if let requests, requests < 1 { throw ValidationError("--requests \(requests): give a count of 1 or more") }
        if requests != nil, demo.rate == 0 { throw ValidationError("--requests needs traffic: give a --rate above 0") }
    }

    func run() async throws {
        let session = try await DemoSession.start(options: demo, backends: try DemoLaunch.backends(connection.setup()), limit: requests)
        if let note = session.server.note { Terminal.printError("cachescope: \(note)") }
        let traffic =
            requests.map { "\($0) requests at \(HumanUnits.rate(demo.rate)) req/s" }
            ?? (demo.rate > 0 ? "\(HumanUnits.rate(demo.rate)) req/s" : "no traffic (--rate 0)")
        Terminal.printLine("demo app on \(session.server.url) · traffic: \(traffic) · Ctrl-C stops")
        if requests != nil {
            await session.generator.waitUntilDone()
            let report = await session.generator.report()
            for line in DemoReportTable.lines(report) { Terminal.printLine(line) }
            await session.stop()
            if report.errors > 0 { throw CommandFailure(.backendFailed, "\(report.errors) demo requests failed") }
            return
        }
        var previous = await session.generator.report()
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            let report = await session.generator.report()
            let keys = try? await session.source.sample().keys
            Terminal.printLine(DemoStatusLine.text(report, previous: previous, keys: keys))
            previous = report
        }
    }
}
