import ArgumentParser
import Basics
import CacheMonitor
import Foundation

/// `cachescope check`: what a backend's servers allow of each feature, the method each will use or why
/// none, and the setting that would give the rest — the first thing to run against a new deployment.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Show what each server of a backend allows: per feature the method cachescope will use, or why none, and the remedy.",
        discussion: """
            Every server is asked with the commands the features send, in harmless forms: reads of a key that \
            does not exist, UNLINK of one (not with --read-only), MONITOR and SUBSCRIBE closed at once, CLIENT \
            TRACKING on a connection closed at once. Nothing depends on COMMAND or CONFIG answering; a refusal is \
            classed as a renamed or disabled command (unknown command), a missing ACL permission (NOPERM) or a \
            managed service's block (not supported / not allowed), and shown in the server's own words. Every \
            server of a Redis Cluster (its masters) and of a memcached pool is asked.

            Features: overview, keys, ttl, values, analyze, traffic, health, invalidate, metrics; status ok, \
            degraded (a slower method, or figures missing) or unavailable. Traffic methods, in the order tried: \
            monitor+keymiss (key-miss events, turned on after a yes where CONFIG allows), monitor+keymiss-existing \
            (CONFIG refused: the events are used when they are on already), monitor (no hit ratio), tracking \
            (CLIENT TRACKING BCAST: writes per prefix, no reads); memcached watch; in-process.

            With --json: {"backend","type","servers":[{"address","version","flavor","role","tls","user",\
            "features":[{"feature","status","method","refused":[{"command","error"}],"remedy","note"}]}],\
            "missingNodes":[{"address","reason"}]}. Exit 0 when every server answered, 1 when one did not.

            \(ExitStatus.documentation)
            """
    )

    @Argument(
        help: "The backend: its name (redis, memcached, redis2), host:port, or number; optional when only one is given.",
        completion: BackendCompletion.kind)
    var backend: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let setup = try connection.setup()
        let backend = try await setup.backend(self.backend)
        guard let port = backend.capabilities else {
            throw CommandFailure(.usage, "\(backend.name) (\(backend.address)): cannot say what it allows")
        }
        let report = try await port.executeThenClose { _ in
            try await CommandFailure.reporting(backend.name, backend.address) {
                try await backend.checkCapabilities(CapabilityCheckOptions(readOnly: setup.readOnly))
            }
        }
        if json {
            print(CapabilityReportText.json(backend: backend, report: report).text)
        } else {
            print(CapabilityReportText.table(backend: backend, report: report), terminator: "")
        }
        if !report.everyServerAnswered {
            throw CommandFailure(.backendFailed, "\(backend.name): \(report.missing.map(\.address).joined(separator: ", ")) did not answer")
        }
    }
}
