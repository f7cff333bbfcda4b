import ArgumentParser

/// Where the embedded demo app serves and how much traffic it gets.
struct DemoOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The demo app's port on 127.0.0.1 (a free one is used if it is taken).", valueName: "port"))
    var port: Int = 5000

    @Option(help: ArgumentHelp("Demo requests per second from the traffic generator (0: the app only, no traffic).", valueName: "n"))
    var rate: Double = 50

    func validate() throws {
        guard (0...65_535).contains(port) else {
            throw ValidationError("--port \(port): give a port from 1 to 65535 (0 picks a free one)")
        }
        guard rate.isFinite, (0...10_000).contains(rate) else {
            throw ValidationError("--rate \(rate): give requests per second from 0 to 10000")
        }
    }
}
