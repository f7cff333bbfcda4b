import Foundation
import Synchronization

/// Runs short helper programs (`ssh -O`, a password command) to the end without blocking a thread.
public enum ChildProcess {
    /// How a program ended, and what it wrote.
    public struct Outcome: Sendable {
        /// The exit status (128 + the signal for a program killed by one).
        public var status: Int32
        public var output: String
        public var errors: String
        /// `true` when the program was stopped because it ran past its time.
        public var timedOut: Bool
    }

    /// Runs `program` (looked up in `PATH` unless it holds a `/`) with `arguments` and standard input
    /// closed, waiting at most `timeout`; a program still running then is killed.
    /// - Throws: ``SpawnError`` when the program cannot be started at all.
    public static func run(_ program: String, _ arguments: [String], timeout: Duration) async throws -> Outcome {
        let collected = Collected()
        let process = try SpawnedProcess(
            program, arguments, onOutput: { collected.append($0, toErrors: false) }, onErrorOutput: { collected.append($0, toErrors: true) })
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var timedOut = false
        var status = process.exitStatus
        while status == nil {
            if clock.now >= deadline {
                timedOut = true
                process.stop(SIGKILL)
            }
            try? await Task.sleep(for: .milliseconds(timedOut ? 20 : 5))
            status = process.exitStatus
        }
        // What it wrote last may still be in the pipes (a program it started may hold them open: not for long).
        let drained = clock.now + .milliseconds(200)
        while !process.outputsEnded && clock.now < drained { try? await Task.sleep(for: .milliseconds(5)) }
        return collected.outcome(status: status ?? -1, timedOut: timedOut)
    }

    private final class Collected: Sendable {
        private let state = Mutex<(output: Data, errors: Data)>((Data(), Data()))

        func append(_ data: Data, toErrors: Bool) {
            state.withLock { state in
                // Helpers print little; a runaway one is cut off rather than held in memory.
                if toErrors {
                    if state.errors.count < 65536 { state.errors.append(data) }
                } else if state.output.count < 65536 {
                    state.output.append(data)
                }
            }
        }

        func outcome(status: Int32, timedOut: Bool) -> Outcome {
            state.withLock { state in
                Outcome(
                    status: status, output: String(decoding: state.output, as: UTF8.self), errors: String(decoding: state.errors, as: UTF8.self),
                    timedOut: timedOut)
            }
        }
    }
}
