import ArgumentParser
import CacheMonitor
import Foundation
import NIOCore
import RESP

extension BenchCommand {
    /// Replays a recorded event stream through the path a live traffic sample takes — `redis-cli monitor`
    /// output framed as the server sends it (RESP simple strings) and read by the RESP parser, or memcached
    /// `watch fetchers mutations` lines — into the per-prefix and per-key counters, and prints lines per
    /// second and the peak memory.
    struct ReplayStream: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "replay-stream")
        @Option(help: "monitor or watch") var kind: String
        @Option var file: String
        @Option var repeats: Int = 1

        func run() async throws {
            let text = try Data(contentsOf: URL(fileURLWithPath: file))
            var lines = text.split(separator: UInt8(ascii: "\n")).map { $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0 }
            // `redis-cli monitor` starts with `OK`.
            if lines.first.map({ Array($0) }) == Array("OK".utf8) { lines.removeFirst() }
            let recorder = TrafficRecorder(TrafficAggregator())
            let baseline = Self.residentBytes(field: "VmRSS:")
            let clock = ContinuousClock()
            var elapsed = Duration.zero
            switch kind {
            case "monitor":
                // Framed once, outside the timing: the server's bytes as they arrive.
                var framed = ByteBuffer()
                for line in lines {
                    framed.writeInteger(UInt8(ascii: "+"))
                    framed.writeBytes(line)
                    framed.writeBytes([0x0D, 0x0A])
                }
                let reader = MonitorStreamReader(recorder: recorder, database: 0, maxLag: .infinity)
                let parser = RESPParser()
                let started = clock.now
                for _ in 0..<repeats {
                    var buffer = framed
                    while let value = try parser.parse(&buffer) { reader.read(value) }
                }
                elapsed = clock.now - started
            case "watch":
                let reader = WatchStreamReader(recorder: recorder)
                let started = clock.now
                for _ in 0..<repeats {
                    for line in lines { line.withUnsafeBytes { reader.read($0) } }
                    reader.finish()
                }
                elapsed = clock.now - started
            default:
                throw ValidationError("--kind: monitor or watch")
            }
            // What counting holds (groups, watched keys), the recorder still alive: resident now minus before.
            let counting = max(0, Self.residentBytes(field: "VmRSS:") - baseline)
            let report = recorder.report(method: kind == "watch" ? .watch : .monitor, duration: .seconds(1), functions: nil, hotKeyCount: 20)
            let count = lines.count * repeats
            let seconds = elapsed.inSeconds
            print(
                "{\"kind\":\"\(kind)\",\"lines\":\(count),\"seconds\":\(seconds),\"linesPerSecond\":\(Double(count) / seconds),"
                    + "\"events\":\(recorder.eventsCounted),\"notCounted\":\(recorder.eventsNotCounted),\"unreadable\":\(recorder.unreadableLines),\"prefixes\":\(report.root.children.count),"
                    + "\"countingBytes\":\(counting),\"peakRSSBytes\":\(Self.residentBytes(field: "VmHWM:"))}")
        }

        /// A resident-memory figure of the process (`VmRSS:` now, `VmHWM:` at its peak), in bytes.
        static func residentBytes(field: String) -> Int {
            guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
                let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
            else { return 0 }
            return kilobytes * 1024
        }
    }
}
