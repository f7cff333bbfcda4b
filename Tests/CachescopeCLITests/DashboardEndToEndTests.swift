import Foundation
import RESP
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real binary in a real terminal (tmux), driven by keys as a person would: the overview, the key
/// browser, deleting a key and invalidating a prefix through their dialogs, resizing, and quitting — with
/// the terminal given back each time.
@Suite(.serialized) struct DashboardEndToEndTests {
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let enabled = tmux != nil && CommandLineTests.binary != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server")
    static let skip = "needs tmux, redis-server and the built cachescope binary (scripts/test.sh installs them)"

    @Test(.enabled(if: enabled, Comment(rawValue: skip)))
    func deleteAKeyAndInvalidateAPrefixThroughTheDialogs() async throws {
        let server = try #require(try RedisServerProcess())
        defer { server.kill() }
        let redis = RedisClient(url: try RedisURL(parsing: server.url()))
        defer { Task { await redis.close() } }
        var commands = (1...50).map { RESPCommand("SET", key: Array("e2e:gone:\($0)".utf8), ["v", "EX", "600"]) }
        commands.append(RESPCommand("SET", key: Array("e2e:keep:1".utf8), ["v"]))
        commands.append(RESPCommand("SET", key: Array("solo:delete-me".utf8), ["v", "EX", "600"]))
        _ = try await redis.send(commands)

        let session = try TmuxSession(command: "\(CommandLineTests.binary?.path ?? "") --redis \(server.url())")
        defer { session.close() }
        try await session.waitFor("1/1 up")
        #expect(try session.screen().contains("127.0.0.1:\(server.port)"), "the overview lists the backend with its port")

        session.send(["Enter"])
        try await session.waitFor("52 keys")
        session.send(["/"])
        session.type("solo:")
        session.send(["Enter"])
        try await session.waitFor("filter solo:")
        try await session.waitFor("1 keys")
        session.send(["d"])
        try await session.waitFor("Delete key 'solo:delete-me'")
        #expect(try session.screen().contains("on redis (127.0.0.1:\(server.port))"), "the dialog names the backend")
        session.send(["y"])
        try await session.waitFor("deleted key 'solo:delete-me'")
        #expect(try await redis.send(RESPCommand("EXISTS", keys: [Array("solo:delete-me".utf8)])).integer == 0)

        session.send(["/"])
        session.send(Array(repeating: "BSpace", count: 10))
        session.send(["Enter"])
        try await session.waitFor("51 keys")
        session.send(["D"])
        try await session.waitFor("invalidate prefix:")
        session.send(Array(repeating: "BSpace", count: 40))
        session.type("e2e:gone:")
        session.send(["Enter"])
        try await session.waitFor("50 matching keys will be deleted")
        session.send(["Enter"])
        try await session.waitFor("deleted 50 keys under 'e2e:gone:'")
        #expect(try await redis.send(RESPCommand("DBSIZE")).integer == 1, "only the key outside the prefix is left")

        session.resize(width: 60, height: 16)
        try await session.waitFor("e2e:keep:1")
        session.resize(width: 30, height: 8)
        try await session.waitFor("terminal too small")
        session.resize(width: 120, height: 40)
        try await session.waitFor("1 keys")

        session.send(["q"])
        try await session.waitFor("EXIT=0")
        #expect(try !session.screen().contains("1/1 up"), "the alternate screen is gone after quitting")
    }

    @Test(.enabled(if: enabled, Comment(rawValue: skip)))
    func insightsShowWhereTheKeysAreAndInvalidateAGroup() async throws {
        let server = try #require(try RedisServerProcess())
        defer { server.kill() }
        let redis = RedisClient(url: try RedisURL(parsing: server.url()))
        defer { Task { await redis.close() } }
        _ = try await redis.send((1...300).map { RESPCommand("SET", key: Array("sess:\($0)".utf8), ["v", "EX", "600"]) })
        _ = try await redis.send((1...100).map { RESPCommand("HSET", key: Array("cart:\($0)".utf8), ["item", "1"]) })
        let session = try TmuxSession(command: "\(CommandLineTests.binary?.path ?? "") --redis \(server.url())")
        defer { session.close() }
        try await session.waitFor("1/1 up")
        session.send(["i"])
        try await session.waitFor("400 keys, every one read")
        var screen = try session.screen()
        let sessions = screen.split(separator: "\n").first { $0.contains("sess:") } ?? ""
        #expect(sessions.contains("300") && sessions.contains("%"), "the group with its keys and share: \(screen)")
        #expect(screen.contains("cart:"))
        session.send(["b"])
        try await session.waitFor("biggest keys")
        session.send(["Escape"])
        try await session.waitFor("prefix groups")
        // The groups by memory: sess: (300 strings), then cart: (100 small hashes).
        session.send(["Down"])
        session.send(["D"])
        try await session.waitFor("100 matching keys will be deleted")
        screen = try session.screen()
        #expect(screen.contains("Delete every key under 'cart:'"), "\(screen)")
        session.send(["y"])
        try await session.waitFor("deleted 100 keys under 'cart:'")
        #expect(try await redis.send(RESPCommand("DBSIZE")).integer == 300)
        session.send(["r"])
        try await session.waitFor("300 keys, every one read")
        session.send(["Escape"])
        try await session.waitFor("every 1s")
        session.send(["q"])
        try await session.waitFor("EXIT=0")
    }

    @Test(.enabled(if: enabled, Comment(rawValue: skip)))
    func sigtermAndCtrlCGiveTheTerminalBack() async throws {
        let server = try #require(try RedisServerProcess())
        defer { server.kill() }
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-e2e-\(UUID().uuidString).pid")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        let binary = CommandLineTests.binary?.path ?? ""
        let session = try TmuxSession(command: "sh -c 'echo $$ > \(pidFile.path); exec \(binary) --redis \(server.url()) --read-only'")
        defer { session.close() }
        try await session.waitFor("READ-ONLY")
        let pid = try #require(Int32(String(decoding: try Data(contentsOf: pidFile), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGTERM)
        try await session.waitFor("EXIT=0")
        #expect(try !session.screen().contains("READ-ONLY"))

        let second = try TmuxSession(command: "\(binary) --redis \(server.url())")
        defer { second.close() }
        try await second.waitFor("1/1 up")
        second.send(["C-c"])
        try await second.waitFor("EXIT=0")

        // The terminal itself goes away (its window closed): the dashboard quits instead of spinning.
        try? FileManager.default.removeItem(at: pidFile)
        let third = try TmuxSession(command: "sh -c 'echo $$ > \(pidFile.path); exec \(binary) --redis \(server.url())'")
        try await third.waitFor("1/1 up")
        let orphan = try #require(
            Int32(String(decoding: try Data(contentsOf: pidFile), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        third.close()
        let deadline = Date().addingTimeInterval(5)
        while kill(orphan, 0) == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(kill(orphan, 0) != 0, "the dashboard exits when its terminal is gone")
    }

    @Test(.enabled(if: tmux != nil && CommandLineTests.binary != nil, Comment(rawValue: "needs tmux and the built cachescope binary")))
    func withNoArgumentsTheDemoRunsAndItsHitRatioRises() async throws {
        // No configuration at all: an empty config home, no flags.
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let session = try TmuxSession(command: "env XDG_CONFIG_HOME=\(home.path) \(CommandLineTests.binary?.path ?? "")")
        defer { session.close() }
        try await session.waitFor("demo app http://127.0.0.1:", seconds: 10)
        let started = Date()
        func lifetimeRatio() throws -> Double? {
            let row = try session.screen().split(separator: "\n").first { $0.contains("simplecache") && $0.contains("up") } ?? ""
            let ratios = row.split(separator: " ").filter { $0.hasSuffix("%") }.compactMap { Double($0.dropLast()) }
            return ratios.count >= 2 ? ratios[1] : nil
        }
        var first: Double?
        while first == nil, Date().timeIntervalSince(started) < 4 {
            first = try lifetimeRatio()
            try await Task.sleep(for: .milliseconds(250))
        }
        try await Task.sleep(for: .seconds(max(0, 8 - Date().timeIntervalSince(started))))
        let shown = try session.screen()
        let later = try #require(try lifetimeRatio(), "the overview shows a hit ratio for the demo's cache:\n\(shown)")
        #expect(later > 0, "the demo's cache is hit")
        #expect(later > (first ?? 0), "the lifetime hit ratio rises as the cache warms: \(first ?? -1) → \(later)")
        let screen = try session.screen()
        #expect(screen.contains("p50 miss") && screen.contains("/api/users/{id}/update"), "the routes panel is on the default screen:\n\(screen)")
        session.send(["q"])
        try await session.waitFor("EXIT=0")
    }

    /// The demo's insights show per-prefix hit ratios live from the library's own counters; on a Redis
    /// server, `w` asks before turning key-miss events on, samples, and puts the setting back.
    @Test(.enabled(if: tmux != nil && CommandLineTests.binary != nil, Comment(rawValue: skip)))
    func trafficPerPrefixLiveOnTheDemoAndSampledOnRedis() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-traffic-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let demo = try TmuxSession(command: "env XDG_CONFIG_HOME=\(home.path) \(CommandLineTests.binary?.path ?? "")")
        defer { demo.close() }
        try await demo.waitFor("demo app http://127.0.0.1:", seconds: 10)
        try await Task.sleep(for: .seconds(2))
        demo.send(["i"])
        try await demo.waitFor("by in-process", seconds: 10)
        let live = try await offThePool { try demo.screen() }
        #expect(live.contains("hit ratio") && live.contains("reads/s") && live.contains("cachescope_demo:"), "\(live)")
        demo.send(["q"])
        try await demo.waitFor("EXIT=0")

        guard let server = try RedisServerProcess() else { return }
        let client = RedisClient(url: try RedisURL(parsing: server.url()), configuration: .init(clientName: "app"))
        try await client.send((0..<20).map { RESPCommand("SET", key: Array("page:\($0)".utf8), ["v"]) })
        let session = try TmuxSession(command: "\(CommandLineTests.binary?.path ?? "") --redis \(server.url())")
        defer { session.close() }
        try await session.waitFor("1/1 up")
        session.send(["i"])
        try await session.waitFor("keys, every one read")
        session.send(["w"])
        try await session.waitFor("notify-keyspace-events")
        session.send(["y"])
        try await session.waitFor("listening")
        let reads = Task {
            for round in 0..<400 {
                _ = try? await client.send(RESPCommand("GET", key: Array("page:\(round % 40)".utf8)))
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        try await session.waitFor("by monitor+keymiss", seconds: 20)
        await reads.value
        let sampled = try await offThePool { try session.screen() }
        let pages = sampled.split(separator: "\n").first { $0.contains("page:") } ?? ""
        #expect(pages.contains("%"), "the page: group has a hit ratio:\n\(sampled)")
        let flags = try await client.send(RESPCommand("CONFIG", ["GET", "notify-keyspace-events"])).array?.last?.string
        #expect(flags == "", "the setting is put back")
        session.send(["q"])
        try await session.waitFor("EXIT=0")
        await client.close()
    }

    /// `h` on a Redis server and a memcached server: every tab, a slow command with the attention count on
    /// the overview, a named client closed through the dialog; memcached's slabs, settings and connections.
    @Test(.enabled(if: tmux != nil && CommandLineTests.binary != nil, Comment(rawValue: skip)))
    func healthTabsOnRedisAndMemcached() async throws {
        guard let server = try RedisServerProcess(arguments: ["--enable-debug-command", "local", "--slowlog-log-slower-than", "5000"]),
            let memcached = try MemcachedServerProcess()
        else { return }
        let client = RedisClient(url: try RedisURL(parsing: server.url()), configuration: .init(clientName: "nightly-job"))
        defer { Task { await client.close() } }
        try await client.send(RESPCommand("DEBUG", ["SLEEP", "0.01"]))
        let session = try TmuxSession(command: "\(CommandLineTests.binary?.path ?? "") --redis \(server.url()) --memcached \(memcached.address)")
        defer { session.close() }
        try await session.waitFor("2/2 up")
        try await session.waitFor("⚠ slowlog: 1 new slow-log entry")
        #expect(try await offThePool { try session.screen() }.contains("⚠ 1"))
        session.send(["h"])
        try await session.waitFor("DEBUG SLEEP 0.01")
        for (tab, expected) in [("commands", "calls/s"), ("latency", "latency-monitor-threshold"), ("clients", "nightly-job")] {
            session.send(["]"])
            try await session.waitFor("health › \(tab)")
            try await session.waitFor(expected)
        }
        // The clients sorted by idle time: the job (idle since its command) above our busy connection.
        session.send(["s"])
        try await session.waitFor("clients sorted by idle")
        session.send(["K"])
        try await session.waitFor("'nightly-job'")
        session.send(["y"])
        try await session.waitFor("closed client")
        for (tab, expected) in [("memory", "MEMORY DOCTOR"), ("replication", "master")] {
            session.send(["]"])
            try await session.waitFor("health › \(tab)")
            try await session.waitFor(expected)
        }
        session.send(["Tab"])
        try await session.waitFor("memcached › health › slabs")
        for (tab, expected) in [("settings", "maxbytes"), ("connections", "conn_")] {
            session.send(["]"])
            try await session.waitFor("health › \(tab)")
            try await session.waitFor(expected)
        }
        session.send(["Escape"])
        try await session.waitFor("h health")
        session.send(["q"])
        try await session.waitFor("EXIT=0")
    }

    @Test(.enabled(if: tmux != nil && CommandLineTests.binary != nil, Comment(rawValue: skip)))
    func aDeadBackendStaysVisibleWithItsReason() async throws {
        let port = TestServers.freePort()
        let session = try TmuxSession(command: "\(CommandLineTests.binary?.path ?? "") --redis redis://127.0.0.1:\(port)")
        defer { session.close() }
        try await session.waitFor("retry in")
        let screen = try session.screen()
        #expect(screen.contains("0/1 up"))
        #expect(screen.contains("connection refused"))
        session.send(["q"])
        try await session.waitFor("EXIT=0")
    }
}

/// The dashboard on the shared 3-master test cluster, through the URL of one node.
@Suite(
    .enabled(
        if: DashboardEndToEndTests.tmux != nil && CommandLineTests.binary != nil && TestServers.cluster != nil,
        Comment(rawValue: TestServers.clusterSkipMessage)))
struct ClusterDashboardEndToEndTests {
    @Test func aClusterIsOneRowThatExpandsIntoItsNodes() async throws {
        let seed = try #require(TestServers.cluster?.first)
        let session = try TmuxSession(command: "\(CommandLineTests.binary?.path ?? "") --redis redis://\(seed.host):\(seed.port)")
        defer { session.close() }
        try await session.waitFor("1/1 up")
        try await session.waitFor("masters up")
        var screen = try session.screen()
        #expect(screen.contains("cluster") && screen.contains("3/3 masters up (e expands)"), "\(screen)")
        session.send(["e"])
        try await session.waitFor("slots")
        screen = try session.screen()
        let nodes = screen.split(separator: "\n").filter { $0.contains("master") && $0.contains("slots") && $0.contains("● up") }
        #expect(nodes.count == 3, "one row per master: \(screen)")
        for node in TestServers.cluster ?? [] { #expect(screen.contains("\(node.host):\(node.port)"), "\(screen)") }
        session.send(["q"])
        try await session.waitFor("EXIT=0")
    }
}

/// A detached tmux session running a command in a 120×40 terminal; after the command ends, the pane shows
/// `EXIT=<status>`. Each session has a tmux server of its own (`-L name`): with one shared server, a session
/// started while another test's last session closed could be lost with the exiting server.
final class TmuxSession: Sendable {
    let name = "cachescope-e2e-\(UUID().uuidString.prefix(8))"
    let tmux: String

    init(command: String, width: Int = 120, height: Int = 40) throws {
        tmux = DashboardEndToEndTests.tmux ?? "tmux"
        let script = "env TERM=xterm-256color LANG=C.UTF-8 \(command); echo EXIT=$?; sleep 120"
        // The tmux server this starts outlives the call and would hold a pipe open: no output is read here.
        try run(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", script], capture: false)
    }

    /// Runs tmux and waits for it with `posix_spawn` and `waitpid`: Foundation's `Process` sometimes never
    /// notices that `tmux new-session` exited (its client forks the server and leaves at once), and waits
    /// forever.
    @discardableResult
    func run(_ arguments: [String], capture: Bool = true) throws -> String {
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { throw POSIXError(.EIO) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if capture {
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        // The tmux server lives as long as the session: it must hold none of our descriptors (see CleanProcess).
        CleanProcess.closeInheritedDescriptors(&actions)
        // tmux itself needs a terminal type even for detached sessions; CI may run without one.
        var environment = ProcessInfo.processInfo.environment
        if (environment["TERM"] ?? "").isEmpty || environment["TERM"] == "dumb" { environment["TERM"] = "xterm-256color" }
        let argv = ([tmux, "-L", name] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, tmux, &actions, nil, argv, envp)
        Glibc.close(pipe[1])
        defer { Glibc.close(pipe[0]) }
        guard spawned == 0 else { throw POSIXError(.ENOENT) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while capture {
            let count = read(pipe[0], &chunk, chunk.count)
            if count <= 0 { break }
            output.append(contentsOf: chunk[..<count])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return String(decoding: output, as: UTF8.self)
    }

    func screen() throws -> String {
        try run(["capture-pane", "-p", "-t", name])
    }

    func send(_ keys: [String]) {
        _ = try? run(["send-keys", "-t", name] + keys)
    }

    /// Types `text` literally.
    func type(_ text: String) {
        _ = try? run(["send-keys", "-t", name, "-l", text])
    }

    func resize(width: Int, height: Int) {
        _ = try? run(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Waits until the screen shows `text` (at most `seconds`), else fails with what it shows.
    func waitFor(_ text: String, seconds: Double = 15) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TmuxTimeout(text: text, screen: last)
    }

    /// Waits until the screen shows one of `texts` (at most `seconds`) and returns the first one shown.
    func waitForAny(_ texts: [String], seconds: Double = 15) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if let shown = texts.first(where: { last.contains($0) }) { return shown }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TmuxTimeout(text: texts.joined(separator: "' or '"), screen: last)
    }

    /// Ends the session; its server, left without sessions, reaps the pane's process and exits.
    func close() {
        _ = try? run(["kill-session", "-t", name])
        // Its socket file, which an exiting server may leave behind.
        let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(directory)/tmux-\(getuid())/\(name)")
    }
}

struct TmuxTimeout: Error, CustomStringConvertible {
    let text: String
    let screen: String
    var description: String { "'\(text)' did not appear; the screen shows:\n\(screen)" }
}
