import ConnectionSupport
import Foundation

/// A bastion of a test's own: an `sshd` on a free loopback port with the host key and the authorized client
/// key of the bastion `scripts/test.sh` made (next to `CACHESCOPE_TEST_SSH_CONFIG`), and an ssh configuration
/// file naming it `cachescope-private-bastion`; it can be cut (sshd and every session killed) and started
/// again on the same port.
public final class BastionProcess: @unchecked Sendable {
    public let port: Int
    /// `ssh -F` this file to reach it as `cachescope-private-bastion`.
    public let sshConfig: String
    public static let alias = "cachescope-private-bastion"
    private let directory: URL
    private let keys: URL
    private var process: SpawnedProcess?

    /// `nil` when the test bastion of `scripts/test.sh` is not there.
    public init?() throws {
        guard let shared = TestServers.sshConfig, FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") else { return nil }
        keys = URL(fileURLWithPath: shared).deletingLastPathComponent()
        port = TestServers.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-sshd-\(port)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let hostKey = try String(contentsOf: keys.appendingPathComponent("host_key.pub"), encoding: .utf8)
        try "[127.0.0.1]:\(port) \(hostKey)".write(to: directory.appendingPathComponent("known_hosts"), atomically: true, encoding: .utf8)
        sshConfig = directory.appendingPathComponent("ssh_config").path
        try """
        Host \(Self.alias)
            HostName 127.0.0.1
            Port \(port)
            User \(NSUserName())
            IdentityFile \(keys.path)/id
            IdentitiesOnly yes
            StrictHostKeyChecking yes
            UserKnownHostsFile \(directory.path)/known_hosts

        """.write(toFile: sshConfig, atomically: true, encoding: .utf8)
        try """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(keys.path)/host_key
        AuthorizedKeysFile \(keys.path)/authorized_keys
        PidFile \(directory.path)/sshd.pid
        StrictModes no
        UsePAM no
        PermitRootLogin prohibit-password
        PasswordAuthentication no
        AllowTcpForwarding yes
        AllowStreamLocalForwarding yes

        """.write(to: directory.appendingPathComponent("sshd_config"), atomically: true, encoding: .utf8)
        try start()
    }

    /// Starts sshd (again) and waits until it greets.
    public func start() throws {
        // Not Foundation's Process: a long-lived child must not inherit the descriptors other tests' children
        // are watched by (their `waitUntilExit` would wait for sshd).
        process = try SpawnedProcess(
            "/usr/sbin/sshd",
            ["-D", "-f", directory.appendingPathComponent("sshd_config").path, "-E", directory.appendingPathComponent("sshd.log").path])
        for _ in 0..<100 {
            if let greeting = try? TestServers.exchange(host: "127.0.0.1", port: port, ""), greeting.hasPrefix("SSH-") { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw POSIXError(.ETIMEDOUT)
    }

    /// Kills sshd and every session it runs: every tunnel through it dies.
    public func cut() {
        guard let process else { return }
        for pid in Self.descendants(of: process.processIdentifier) + [process.processIdentifier] { kill(pid, SIGKILL) }
        for _ in 0..<200 where process.isRunning { usleep(10_000) }
        self.process = nil
    }

    deinit {
        cut()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Every process below `pid`, children first.
    static func descendants(of pid: Int32) -> [Int32] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var children: [Int32] = []
        for entry in all {
            guard let child = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8) else { continue }
            // pid (comm) state ppid …: the command may hold spaces and parentheses, so read after the last ')'.
            guard let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, Int32(fields[1]) == pid { children.append(child) }
        }
        return children.flatMap { descendants(of: $0) + [$0] }
    }
}

/// Which program holds a TCP socket: to check that a connection a server sees comes from sshd.
public enum SocketOwner {
    /// The command name (`/proc/PID/comm`) of the process holding the loopback TCP socket whose local port is
    /// `port` (and, given, whose remote port is `remotePort`: the same ephemeral port number can serve
    /// connections to different servers at once); `nil` when none is found.
    public static func command(holdingLocalPort port: Int, remotePort: Int? = nil) -> String? {
        var inodes: Set<String> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // Read to the end: /proc files say they are empty, and a one-read helper gets only the first page.
            guard let data = FileHandle(forReadingAtPath: table)?.readDataToEndOfFile() else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, let local = fields[1].split(separator: ":").last, Int(local, radix: 16) == port else { continue }
                if let remotePort, fields[2].split(separator: ":").last.flatMap({ Int($0, radix: 16) }) != remotePort { continue }
                inodes.insert(String(fields[9]))
            }
        }
        guard !inodes.isEmpty else { return nil }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int32(entry) != nil {
            let descriptors = "/proc/\(entry)/fd"
            for descriptor in (try? FileManager.default.contentsOfDirectory(atPath: descriptors)) ?? [] {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(descriptors)/\(descriptor)") else { continue }
                if target.hasPrefix("socket:["), inodes.contains(String(target.dropFirst(8).dropLast())) {
                    return (try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                }
            }
        }
        return nil
    }
}
