import ArgumentParser
import ConnectionSupport
import Foundation

/// The `cachescope` command: "htop for caches".
///
/// Without a subcommand it opens the dashboard on the configured backends. Usage errors exit with 2 (not
/// ArgumentParser's 64), as documented in ``ExitStatus``.
@main
struct CachescopeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cachescope",
        abstract: "htop for caches: watch Redis, memcached and in-process caches live.",
        discussion: """
            cachescope shows hit/miss rates, ops/s, memory, evictions and keys with live TTLs for several \
            cache backends at once, and lets you delete a key or invalidate a prefix. It ships the Caching \
            library (Flask-Caching for Swift) and an embedded demo web app.

            Backends are named by type when unique (redis), else type and position (redis1, redis2), in the \
            order: config file, --redis flags, --memcached flags. Keys are written with printable UTF-8 as \
            itself, \\\\ for a backslash and \\xNN for any other byte.

            \(ExitStatus.documentation)
            """,
        version: CachescopeVersion.current,
        subcommands: [
            SnapshotCommand.self, CheckCommand.self, KeysCommand.self, AnalyzeCommand.self, TrafficSampleCommand.self, HealthCommand.self,
            ServeCommand.self, RecordCommand.self, ReplayCommand.self, ExportCommand.self,
            InvalidateCommand.self,
            DemoCommand.self,
            KeymapCommand.self,
            ThemesCommand.self,
        ]
    )

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Run the embedded demo app and its traffic even with backends given (its /redis and /memcached routes use them).")
    var demo = false

    @OptionGroup var demoOptions: DemoOptions

    @OptionGroup var record: RecordFlags

    @Option(
        help: ArgumentHelp(
            "The dashboard's colours: default, light, high-contrast, monochrome, or any themes/NAME.toml (t cycles).", valueName: "name")
    )
    var theme: String?

    @Flag(
        name: .customLong("no-mouse"),
        help: "Leave the mouse to the terminal (text selection works as usual); also mouse = false in the config file.")
    var noMouse = false

    func run() async throws {
        try await DashboardRunner.run(
            connection: connection, themeName: theme, demo: demo, demoOptions: demoOptions, mouse: !noMouse, record: record)
    }

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            await SSHTunnels.closeAll()
        } catch let failure as CommandFailure {
            await SSHTunnels.closeAll()
            Terminal.printError("cachescope: \(failure.message)")
            Foundation.exit(failure.status.rawValue)
        } catch {
            await SSHTunnels.closeAll()
            if exitCode(for: error) == .validationFailure {
                Terminal.printError(fullMessage(for: error))
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
