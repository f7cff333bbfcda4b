import RESP

/// Reads one server's key-tracking invalidations (`CLIENT TRACKING on REDIRECT … BCAST`, redirected to a
/// connection subscribed to `__redis__:invalidate`) into the recorder: each key named is one change — a
/// write, an expiry or an eviction, which the server does not tell apart. RESP2 delivers them as
/// `message __redis__:invalidate [keys]`, RESP3 as the push `invalidate [keys]`; a `null` list (a flush) names
/// no key and counts nothing. Keys changed several times within one server event-loop turn are named once.
package final class TrackingStreamReader: Sendable {
    private let recorder: TrafficRecorder
    private let window: CountingWindow?

    package convenience init(recorder: TrafficRecorder) {
        self.init(recorder: recorder, window: nil)
    }

    init(recorder: TrafficRecorder, window: CountingWindow?) {
        self.recorder = recorder
        self.window = window
    }

    private static let message = Array("message".utf8)
    private static let invalidate = Array("invalidate".utf8)
    static let channel = "__redis__:invalidate"

    @Sendable package func read(_ value: RESPValue) {
        guard window?.isOpen ?? true, let parts = value.array else { return }
        let keys: RESPValue
        if parts.count == 3, parts[0].bytes == Self.message, parts[1].bytes == Array(Self.channel.utf8) {
            keys = parts[2]
        } else if parts.count == 2, parts[0].bytes == Self.invalidate {
            keys = parts[1]
        } else {
            return
        }
        guard let list = keys.array else { return }
        recorder.record(list.compactMap { $0.bytes.map { (key: $0, event: TrafficEvent.write) } })
    }
}
