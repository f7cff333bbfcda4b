import Basics
import Foundation
import Synchronization

/// A fake memcached that wants a login (`-Y`) and answers it slowly, so a client that pipelines its next
/// command behind the login is caught every time rather than on an unlucky day: as memcached 1.6 does, a
/// `lru_crawler metadump` or `watch` that arrives while an earlier reply is still unsent is refused with
/// `ERROR cannot pipeline other commands before …`. After the login, `lru_crawler metadump all` lists the
/// keys a test gives and `watch …` answers `OK` and then stays quiet. A login other than ``username`` and
/// ``password`` is refused and the connection closed, as memcached does.
public final class FakeGuardedMemcached: @unchecked Sendable {
    public var port: Int { listener.port }
    private let listener: LoopbackListener
    private let keys: [String]
    private let loginDelay: Duration
    /// The one login it accepts.
    public let username = "reader"
    public let password = "secret"
    private let refusals = Mutex<[String]>([])

    /// `keys` are listed by metadump (plain names, sent as they are); the login is answered after `loginDelay`.
    public init(keys: [String], loginDelay: Duration = .milliseconds(200)) throws {
        listener = try LoopbackListener()
        self.keys = keys
        self.loginDelay = loginDelay
        listener.start { [self] in serve($0) }
    }

    /// The refusals sent so far (commands that came pipelined behind an unanswered login).
    public var refused: [String] { refusals.withLock { $0 } }

    public func stop() { listener.stop() }

    private func serve(_ connection: Int32) {
        var buffer: [UInt8] = []
        var loggedIn = false
        /// Bytes that were already here when the last reply went out: their command came pipelined.
        var pipelinedBytes = 0
        var chunk = [UInt8](repeating: 0, count: 4096)
        func receive(flags: Int32) -> Bool {
            let count = recv(connection, &chunk, chunk.count, flags)
            guard count > 0 else { return false }
            buffer += chunk[..<count]
            return true
        }
        func reply(_ text: String) -> Bool {
            text.utf8CString.withUnsafeBytes { send(connection, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) } > 0
        }
        while true {
            guard let newline = buffer.firstIndex(of: 0x0A) else {
                guard receive(flags: 0) else { return }
                continue
            }
            let line = String(decoding: buffer[..<newline], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let pipelined = pipelinedBytes > 0
            buffer.removeFirst(newline + 1)
            pipelinedBytes = max(0, pipelinedBytes - (newline + 1))
            let words = line.split(separator: " ")
            if !loggedIn {
                // The login is a `set` whose data line is `user password`.
                guard words.first == "set", words.count >= 5, let length = Int(words[4]) else {
                    guard reply("CLIENT_ERROR unauthenticated\r\n") else { return }
                    continue
                }
                while buffer.count < length + 2 { guard receive(flags: 0) else { return } }
                let login = String(decoding: buffer[..<length], as: UTF8.self)
                buffer.removeFirst(length + 2)
                Thread.sleep(forTimeInterval: loginDelay.inSeconds)
                while receive(flags: Int32(MSG_DONTWAIT)) {}
                pipelinedBytes = buffer.count
                guard login == "\(username) \(password)" else {
                    // As memcached: the refusal, then the connection closes.
                    _ = reply("CLIENT_ERROR authentication failure\r\n")
                    return
                }
                loggedIn = true
                guard reply("STORED\r\n") else { return }
                continue
            }
            let answer: String
            switch words.first {
            case "lru_crawler" where words.dropFirst().first == "metadump":
                if pipelined {
                    answer = "ERROR cannot pipeline other commands before metadump\r\n"
                    refusals.withLock { $0.append(line) }
                } else {
                    let now = Int(Date().timeIntervalSince1970)
                    answer =
                        keys.map { "key=\($0) exp=-1 la=\(now) cas=1 fetch=no cls=1 size=64 flags=0\r\n" }.joined() + "END\r\n"
                }
            case "watch":
                if pipelined {
                    answer = "ERROR cannot pipeline other commands before watch\r\n"
                    refusals.withLock { $0.append(line) }
                } else {
                    answer = "OK\r\n"
                }
            case "version": answer = "VERSION 1.6.18\r\n"
            default: answer = "ERROR\r\n"
            }
            guard reply(answer) else { return }
        }
    }
}
