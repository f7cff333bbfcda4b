import Caching
import Foundation

/// The key prefix of a cached route (Flask-Caching's `key_prefix`): a template in which `%s` is replaced
/// by the request path (default `view/%s`, giving `view//api/users`, as Flask-Caching does), a fixed
/// string without `%s` (one entry for every path), or a function of the path evaluated on every request.
public enum ViewCacheKeyPrefix: Sendable, ExpressibleByStringLiteral {
    /// `%s` is replaced by the request path; without `%s` the text is used verbatim.
    case template(String)
    /// Computed per request from the path.
    case dynamic(@Sendable (_ path: String) -> String)

    /// Flask-Caching's default, `view/%s`.
    public static let `default` = ViewCacheKeyPrefix.template("view/%s")

    public init(stringLiteral value: String) { self = .template(value) }

    /// The prefix for one request path.
    public func resolve(path: String) -> String {
        switch self {
        case .template(let template):
            template.replacingFirstPercentS(with: path)
        case .dynamic(let function):
            function(path)
        }
    }
}

/// Query strings in route keys: parsed, percent-decoded, sorted — so `?b=2&a=1` and `?a=1&b=2` share an
/// entry, as do reorderings of repeated parameters — then rendered canonically for hashing.
enum CanonicalQuery {
    /// The sorted `(name, value)` pairs of a raw query string (`a=1&b=x%20y`); `+` means a space.
    static func pairs(of query: String?) -> [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(pieces[0])
            let value = pieces.count > 1 ? decode(pieces[1]) : ""
            return (name, value)
        }.sorted { $0 < $1 }
    }

    /// An unambiguous rendering of sorted pairs: each component is length-prefixed.
    static func text(of pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0.utf8.count):\($0.0)=\($0.1.utf8.count):\($0.1)" }.joined(separator: "&")
    }

    private static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = hexValue(iterator[iterator.startIndex]), let low = hexValue(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator.removeFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    /// The text with its first `%s` replaced by `replacement` (itself when there is none). Scans the UTF-8
    /// bytes: this runs on every cached request, and Foundation's `range(of:)` costs a bridge to NSString.
    func replacingFirstPercentS(with replacement: String) -> String {
        let bytes = utf8
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let next = bytes.index(after: index)
            if bytes[index] == UInt8(ascii: "%"), next != bytes.endIndex, bytes[next] == UInt8(ascii: "s") {
                return String(self[..<index]) + replacement + String(self[bytes.index(after: next)...])
            }
            index = next
        }
        return self
    }
}
