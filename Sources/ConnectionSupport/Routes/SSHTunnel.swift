import Foundation
import Synchronization

/// A tunnel through an SSH bastion, made with the system's OpenSSH client so that the user's whole SSH setup
/// applies (`~/.ssh/config` aliases, `ProxyJump`, keys in an agent, `known_hosts`).
///
/// One `ssh` master connection per bastion (OpenSSH connection sharing: `-M -S socket`), started on first use
/// in batch mode (never a password or host-key prompt); each server reached through it gets a forward of its
/// own, added to the running master when the server is first connected to (`-O forward -L socket:host:port`),
/// so a cluster's nodes or a Sentinel's master, announced by addresses only the bastion can reach, are
/// reached as they appear. Connections go to the forward's local Unix socket. When the master dies it is
/// started again on the next connection (at most every few seconds), and its forwards made again.
public actor SSHTunnel: RouteProvider {
    /// The bastion.
    public nonisolated let destination: SSHDestination
    /// `ssh -F FILE`, when given.
    public nonisolated let configFile: String?
    /// How long logging in to the bastion may take.
    private let loginTimeout: Duration

    private var directory: String?
    private var master: SpawnedProcess?
    private var starting: Task<Void, any Error>?
    private var lastFailure: (message: String, at: ContinuousClock.Instant)?
    private var forwards: [ServerEndpoint: String] = [:]
    private var pendingForwards: [ServerEndpoint: Task<String, any Error>] = [:]
    private var forwardCount = 0
    private nonisolated let said = SSHOutput()

    /// A tunnel through `destination`; nothing starts until the first connection.
    public init(destination: SSHDestination, configFile: String? = nil, loginTimeout: Duration = .seconds(20)) {
        self.destination = destination
        self.configFile = configFile
        self.loginTimeout = loginTimeout
    }

    public nonisolated var label: String { "ssh \(destination)" }

    public func endpoint(reaching target: ServerEndpoint) async throws -> ServerEndpoint {
        try await runningMaster()
        if let path = forwards[target] { return .unix(path: path) }
        if let pending = pendingForwards[target] { return .unix(path: try await pending.value) }
        let task = Task { try await self.addForward(to: target) }
        pendingForwards[target] = task
        defer { pendingForwards[target] = nil }
        let path = try await task.value
        forwards[target] = path
        return .unix(path: path)
    }

    public nonisolated func recentComplaint() -> String? {
        let recent = ContinuousClock.now - .seconds(5)
        return said.lines.withLock { lines in
            lines.last { $0.at >= recent && $0.line.contains("open failed") }.map { line in
                // "channel 3: open failed: connect failed: Connection refused"
                let reason = line.line.components(separatedBy: "open failed: ").last ?? line.line
                return "the bastion could not open it (\(reason))"
            }
        }
    }

    /// The process id of the running master connection, if one runs (for tests that cut the tunnel).
    public var masterProcessID: Int32? {
        guard let master, master.isRunning else { return nil }
        return master.processIdentifier
    }

    /// Ends the master connection (and with it every forward) and removes the tunnel's sockets.
    public func close() async {
        starting?.cancel()
        if let master, master.isRunning, let control = controlPath {
            _ = try? await ChildProcess.run("ssh", baseArguments(control: control) + ["-O", "exit", destination.argument], timeout: .seconds(5))
            // The watchdog shell ends at once on SIGTERM (its trap ends ssh too, if `-O exit` did not).
            master.stop()
            for _ in 0..<40 where master.isRunning { try? await Task.sleep(for: .milliseconds(5)) }
        }
        master = nil
        forwards = [:]
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
        directory = nil
    }

    // MARK: the master connection

    private var controlPath: String? { directory.map { $0 + "/m" } }

    private func baseArguments(control: String) -> [String] {
        (configFile.map { ["-F", $0] } ?? []) + ["-S", control]
    }

    private func runningMaster() async throws {
        if let master, master.isRunning { return }
        if let starting { return try await starting.value }
        if let lastFailure, ContinuousClock.now - lastFailure.at < .seconds(3) {
            throw ConnectFailure(timedOut: false, message: lastFailure.message)
        }
        let task = Task { try await self.startMaster() }
        starting = task
        defer { starting = nil }
        do {
            try await task.value
            lastFailure = nil
        } catch let failure as ConnectFailure {
            lastFailure = (failure.message, ContinuousClock.now)
            throw failure
        }
    }

    private func startMaster() async throws {
        master?.stop()
        master = nil
        forwards = [:]
        let directory = try tunnelDirectory()
        let control = directory + "/m"
        try? FileManager.default.removeItem(atPath: control)
        for path in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            try? FileManager.default.removeItem(atPath: directory + "/" + path)
        }
        // ssh runs under a small shell that ends it when cachescope is gone, however cachescope ended (even
        // `kill -9`), so no master connection outlives the run.
        // The sockets' directory goes with it, whichever way it ends (a restarted master makes it again).
        let watchdog = """
            ssh "$@" & ssh=$!
            trap 'kill $ssh 2>/dev/null; rm -rf \(directory); exit 143' TERM INT HUP
            while kill -0 \(getpid()) 2>/dev/null; do
                kill -0 $ssh 2>/dev/null || { wait $ssh; status=$?; rm -rf '\(directory)'; exit $status; }
                sleep 1 & wait $!
            done
            kill $ssh 2>/dev/null
            rm -rf '\(directory)'
            """
        let arguments =
            ["-c", watchdog, "sh"] + baseArguments(control: control) + [
                "-M", "-N", "-T",
                "-o", "ControlPersist=no", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes",
                "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
                "-o", "ConnectTimeout=\(max(1, Int(loginTimeout.components.seconds)))",
                destination.argument,
            ]
        said.lines.withLock { $0 = [] }
        let said = self.said
        let process: SpawnedProcess
        do {
            process = try SpawnedProcess(
                "/bin/sh", arguments,
                onErrorOutput: { data in said.append(String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)) })
        } catch {
            throw ConnectFailure(timedOut: false, message: "cannot start ssh for the tunnel through \(destination): \(error)")
        }
        let deadline = ContinuousClock.now + loginTimeout
        while true {
            if let status = process.exitStatus {
                // What ssh said may still be in the pipe: read it to its end (the watchdog shell holds it briefly).
                let drained = ContinuousClock.now + .seconds(2)
                while !process.outputsEnded && ContinuousClock.now < drained { try? await Task.sleep(for: .milliseconds(10)) }
                throw ConnectFailure(
                    timedOut: false, message: "cannot open the ssh tunnel through \(destination): \(masterFailureReason(status: status))")
            }
            if FileManager.default.fileExists(atPath: control) { break }
            if ContinuousClock.now >= deadline || Task.isCancelled {
                process.stop()
                throw ConnectFailure(timedOut: true, message: "cannot open the ssh tunnel through \(destination): no login within \(loginTimeout)")
            }
            try? await Task.sleep(for: .milliseconds(25))
        }
        master = process
        await turnOffNagle(control: control)
    }

    /// OpenSSH leaves Nagle's algorithm on for a connection without a terminal session, and a forwarded
    /// pipeline then stalls ~40 ms a batch on delayed acknowledgements (a listing of a million keys: 6× slower
    /// than direct, measured). Both ends turn it off for good once a session asks for a terminal, so one short
    /// session does that: `true`, with a terminal, through the master. A bastion that allows no session
    /// refuses it, and the tunnel works as it is.
    private func turnOffNagle(control: String) async {
        _ = try? await ChildProcess.run(
            "ssh",
            baseArguments(control: control) + ["-o", "RequestTTY=force", "-o", "LogLevel=QUIET", destination.argument, "true"],
            timeout: .seconds(5))
    }

    private func tunnelDirectory() throws -> String {
        if let directory {
            // The watchdog of a master that ended took it away: the next master makes it again.
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            return directory
        }
        // Short, so that the socket paths stay under the 108 bytes a Unix socket path may have; only ours.
        let path = "/tmp/cachescope-ssh-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConnectFailure(
                timedOut: false, message: "cannot make a directory for the ssh tunnel's sockets in /tmp: \(error.localizedDescription)")
        }
        directory = path
        return path
    }

    /// Why the master connection ended, from what ssh said: a host key, a refused login, the bastion out of
    /// reach, or ssh's own last line.
    private func masterFailureReason(status: Int32) -> String {
        // ssh's own lines, not the watchdog shell's.
        let lines = said.lines.withLock { $0.map(\.line) }.filter { !$0.hasPrefix("sh: ") }
        if status == 127 {
            return "ssh is not installed (the OpenSSH client: apt-get install openssh-client)"
        }
        if lines.contains(where: { $0.contains("IDENTIFICATION HAS CHANGED") }) {
            return "the host key of \(destination) has CHANGED since known_hosts recorded it: check with whoever runs the bastion"
        }
        if lines.contains(where: { $0.contains("Host key verification failed") || $0.contains("host key is known") }) {
            return
                "the host key of \(destination) is not in known_hosts, and cachescope never asks: run `ssh \(destination)` once to check and accept it"
        }
        if lines.contains(where: { $0.contains("Permission denied") }) {
            return "\(destination) refused the login (Permission denied): cachescope logs in with your keys and agent, never a password"
        }
        let last = lines.last { !$0.hasPrefix("Warning: Permanently added") } ?? "ssh exited with status \(status)"
        return last.hasPrefix("ssh: ") ? String(last.dropFirst(5)) : last
    }

    // MARK: forwards

    private func addForward(to target: ServerEndpoint) async throws -> String {
        guard let directory, let control = controlPath else {
            throw ConnectFailure(timedOut: false, message: "the ssh tunnel through \(destination) is not open")
        }
        forwardCount += 1
        let path = "\(directory)/f\(forwardCount)"
        let remote: String
        switch target {
        case .tcp(let host, let port): remote = HostAndPort.text(host: host, port: port)
        case .unix(let socket): remote = socket
        }
        let outcome: ChildProcess.Outcome
        do {
            outcome = try await ChildProcess.run(
                "ssh", baseArguments(control: control) + ["-O", "forward", "-L", "\(path):\(remote)", destination.argument], timeout: .seconds(10))
        } catch {
            throw ConnectFailure(
                timedOut: false, message: "cannot run ssh to forward \(remote) through \(destination): \(error)")
        }
        guard outcome.status == 0 else {
            let reason = outcome.errors.split(whereSeparator: \.isNewline).last.map(String.init) ?? "ssh exited with status \(outcome.status)"
            throw ConnectFailure(timedOut: outcome.timedOut, message: "ssh \(destination) would not forward to \(remote): \(reason)")
        }
        return path
    }
}

/// What an ssh master connection said on its standard error, the last lines kept with when they came.
private final class SSHOutput: Sendable {
    let lines = Mutex<[(line: String, at: ContinuousClock.Instant)]>([])

    func append(_ more: [String]) {
        lines.withLock { lines in
            lines += more.filter { !$0.isEmpty }.map { ($0, ContinuousClock.now) }
            if lines.count > 40 { lines.removeFirst(lines.count - 40) }
        }
    }
}

/// The tunnels of one run, one per bastion (and ssh configuration file), shared by every backend behind it.
public enum SSHTunnels {
    private struct Key: Hashable {
        var destination: String
        var configFile: String?
    }

    private static let tunnels = Mutex<[Key: SSHTunnel]>([:])

    /// The tunnel through `destination` (made on first request; nothing connects until it is used).
    public static func tunnel(to destination: SSHDestination, configFile: String?) -> SSHTunnel {
        tunnels.withLock { tunnels in
            let key = Key(destination: destination.argument, configFile: configFile)
            if let existing = tunnels[key] { return existing }
            let made = SSHTunnel(destination: destination, configFile: configFile)
            tunnels[key] = made
            return made
        }
    }

    /// The route through `destination`.
    public static func route(through destination: SSHDestination, configFile: String?) -> ConnectionRoute {
        ConnectionRoute(tunnel(to: destination, configFile: configFile))
    }

    /// The route through the destination `text` names, with the ssh configuration file `configFile` (`ssh -F`).
    /// - Throws: ``SSHDestinationError`` for a destination `ssh` would misread, or a configuration file that
    ///   cannot be read.
    public static func route(parsing text: String, configFile: String?) throws -> ConnectionRoute {
        let destination = try SSHDestination(parsing: text)
        if let configFile {
            guard FileManager.default.isReadableFile(atPath: configFile) else {
                throw SSHDestinationError("the ssh configuration file \(configFile) does not exist or cannot be read")
            }
        }
        return route(through: destination, configFile: configFile)
    }

    /// Closes every tunnel (at the end of a run).
    public static func closeAll() async {
        let all = tunnels.withLock { tunnels in
            defer { tunnels = [:] }
            return Array(tunnels.values)
        }
        for tunnel in all { await tunnel.close() }
    }
}
