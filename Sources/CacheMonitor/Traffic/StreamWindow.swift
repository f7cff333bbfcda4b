import Synchronization

/// Whether a sample counts now: from the moment every stream listens until the streams start closing.
final class CountingWindow: Sendable {
    private let state = Atomic<Bool>(false)

    var isOpen: Bool { state.load(ordering: .acquiring) }
    func open() { state.store(true, ordering: .releasing) }
    func close() { state.store(false, ordering: .releasing) }
}

/// The streams that closed (the server closed them, or we did), and the end of the wait once all have.
final class ClosedStreams: Sendable {
    private let list = Mutex<[String]>([])
    private let expected: Mutex<Int>
    private let recorder: TrafficRecorder

    init(expected: Int, recorder: TrafficRecorder) {
        self.expected = Mutex(expected)
        self.recorder = recorder
    }

    /// How many streams there are, once known (fewer than first expected when some could not start).
    func expect(_ count: Int) {
        expected.withLock { $0 = count }
    }

    func closed(_ server: String) {
        let total = expected.withLock { $0 }
        let all = list.withLock { list -> Bool in
            list.append(server)
            return list.count >= total
        }
        if all { recorder.endStreams() }
    }

    var servers: [String] { list.withLock { $0 } }
}
