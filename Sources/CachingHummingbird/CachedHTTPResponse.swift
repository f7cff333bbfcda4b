import Caching
import HTTPTypes
import Hummingbird

/// A response as a cached route stores it: status, headers and the complete body, in a compact binary
/// form (``CacheValue/Format/raw``), so a response served from the cache is byte-identical to the stored one.
///
/// Not stored: `Content-Length` (recomputed from the body), `Date`, `Connection`, `Transfer-Encoding`
/// (per connection), and `Set-Cookie` — one visitor's cookie must never be replayed to another.
struct CachedHTTPResponse: Sendable, Equatable {
    var status: HTTPResponse.Status
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    private static let magic = Array("CSR1".utf8)
    static let unstoredHeaders: Set<HTTPField.Name> = [.contentLength, .date, .connection, .transferEncoding, .setCookie]

    init(status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8]) {
        self.status = status
        self.headers = headers.filter { !Self.unstoredHeaders.contains($0.name) }.map { ($0.name.rawName, $0.value) }
        self.body = body
    }

    /// The response to send: status, stored headers, body.
    func response(extraHeaders: HTTPFields = [:]) -> Response {
        var fields = HTTPFields()
        for header in headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        fields.append(contentsOf: extraHeaders)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    // MARK: binary form

    /// `CSR1`, status code (u16), reason (u16 length + bytes), header count (u16), each header
    /// (u16 name length, name, u32 value length, value), body (u32 length + bytes). Big-endian.
    var encoded: [UInt8] {
        var out = Self.magic
        out.reserveCapacity(body.count + 64 + headers.count * 32)
        out.appendInteger(UInt16(clamping: status.code))
        out.appendText(status.reasonPhrase, lengthBytes: 2)
        out.appendInteger(UInt16(clamping: headers.count))
        for header in headers.prefix(Int(UInt16.max)) {
            out.appendText(header.name, lengthBytes: 2)
            out.appendText(header.value, lengthBytes: 4)
        }
        out.appendInteger(UInt32(clamping: body.count))
        out.append(contentsOf: body)
        return out
    }

    /// Decodes the binary form; `nil` for bytes that are not a complete, well-formed stored response.
    init?(encoded bytes: [UInt8]) {
        var reader = ByteReader(bytes: bytes)
        guard reader.take(Self.magic.count) == Self.magic,
            let code = reader.integer(UInt16.self), (100...999).contains(code),
            let reason = reader.text(lengthBytes: 2),
            let headerCount = reader.integer(UInt16.self)
        else { return nil }
        var headers: [(name: String, value: String)] = []
        for _ in 0..<headerCount {
            guard let name = reader.text(lengthBytes: 2), HTTPField.Name(name) != nil, let value = reader.text(lengthBytes: 4) else { return nil }
            headers.append((name, value))
        }
        guard let bodyLength = reader.integer(UInt32.self), let body = reader.take(Int(bodyLength)), reader.isAtEnd else { return nil }
        self.status = HTTPResponse.Status(code: Int(code), reasonPhrase: reason)
        self.headers = headers
        self.body = body
    }
}

private struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type) -> T? {
        guard let raw = take(MemoryLayout<T>.size) else { return nil }
        return raw.reduce(T(0)) { $0 << 8 | T($1) }
    }

    mutating func text(lengthBytes: Int) -> String? {
        let length: Int?
        switch lengthBytes {
        case 2: length = integer(UInt16.self).map(Int.init)
        default: length = integer(UInt32.self).map(Int.init)
        }
        guard let length, let raw = take(length) else { return nil }
        return String(validating: raw, as: UTF8.self)
    }
}

extension [UInt8] {
    fileprivate mutating func appendInteger<T: FixedWidthInteger>(_ value: T) {
        for shift in stride(from: (MemoryLayout<T>.size - 1) * 8, through: 0, by: -8) {
            append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    fileprivate mutating func appendText(_ text: String, lengthBytes: Int) {
        let utf8 = Array(text.utf8)
        if lengthBytes == 2 { appendInteger(UInt16(clamping: utf8.count)) } else { appendInteger(UInt32(clamping: utf8.count)) }
        append(contentsOf: utf8.prefix(lengthBytes == 2 ? Int(UInt16.max) : Int(UInt32.max)))
    }
}
