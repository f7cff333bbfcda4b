import HTTPTypes
import Hummingbird

/// Reads a whole `ResponseBody` — a single buffer or a stream — into memory so it can be cached, the way
/// Flask-Caching consumes a generator before storing it.
enum ResponseBodyCollector {
    /// The complete body bytes.
    static func collect(_ body: ResponseBody) async throws -> [UInt8] {
        let sink = Sink()
        try await body.write(CollectingWriter(sink: sink))
        return sink.bytes
    }

    private final class Sink {
        var bytes: [UInt8] = []
    }

    private struct CollectingWriter: ResponseBodyWriter {
        let sink: Sink

        mutating func write(_ buffer: ByteBuffer) async throws {
            sink.bytes.append(contentsOf: buffer.readableBytesView)
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
