import Foundation

/// The canonical text of a call's arguments: what memoize hashes into a key and what hit/miss events show.
///
/// It reads like a Swift tuple — `("alice", 3, nil, {"a":1})` — and is unambiguous for a given parameter
/// list: strings are quoted and escaped, integers, booleans and floating-point numbers print plainly,
/// `nil` prints as `nil`, other `Encodable` values print as JSON with sorted keys (so dictionaries and
/// structs give the same text in every process). Sets encode in their iteration order, which differs
/// between processes: pass a sorted array instead. Ignored arguments print as `_`.
struct ArgumentText {
    private var joined = ""
    private var count = 0

    /// Appends one argument.
    /// - Throws: ``CacheError`` `.encodingFailed` when the value cannot be encoded as JSON.
    mutating func append<T: Encodable>(_ value: T) throws {
        appendRendered(try Self.render(value))
    }

    /// Appends a placeholder for an argument that must not affect the key.
    mutating func appendIgnored() { appendRendered("_") }

    /// Appends an already-rendered part (an instance's caching id).
    mutating func appendRendered(_ text: String) {
        if count > 0 { joined += ", " }
        joined += text
        count += 1
    }

    /// The whole argument list in parentheses.
    var text: String { "(" + joined + ")" }

    static func render<T: Encodable>(_ value: T) throws -> String {
        // The usual argument types by metatype first (no protocol conformance is looked up for them).
        if T.self == Int.self, let int = value as? Int { return String(int) }
        if T.self == String.self, let text = value as? String { return text.debugDescription }
        if T.self == Bool.self, let bool = value as? Bool { return bool ? "true" : "false" }
        if T.self == Double.self, let double = value as? Double { return "\(double)" }
        if let optional = value as? any OptionalValue, optional.isNone { return "nil" }
        switch value {
        case let text as String: return text.debugDescription
        case let int as Int: return String(int)
        case let bool as Bool: return bool ? "true" : "false"
        case let integer as any FixedWidthInteger: return "\(integer)"
        case let double as Double: return "\(double)"
        case let float as Float: return "\(float)f"
        default: break
        }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw CacheError(.encodingFailed, "cannot build a memoize key from an argument of type \(T.self): \(error)")
        }
    }
}
