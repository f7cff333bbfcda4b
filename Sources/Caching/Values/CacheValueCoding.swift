import Foundation

/// Turns Swift values into ``CacheValue``s and back, following the value story documented on ``CacheValue``.
///
/// Common types take a fast path that never touches `JSONEncoder`, so a cache hit on a `String` or `Int`
/// costs a copy, not a parse.
public enum CacheValueCoding {
    /// Encodes `value` once, choosing the format from its type.
    /// - Throws: ``CacheError`` with code `.encodingFailed` when the value cannot be encoded
    ///   (for example a `Double.nan` inside a struct, or an `encode(to:)` that throws).
    public static func encode<T: Encodable>(_ value: T) throws -> CacheValue {
        // Comparing metatypes is cheap; casting to an existential (`any OptionalValue`) looks up a
        // conformance, so the common concrete types are tried first.
        if T.self == String.self, let text = value as? String { return CacheValue(format: .text, bytes: Array(text.utf8)) }
        if T.self == Int.self, let int = value as? Int { return CacheValue(format: .integer, bytes: Array(String(int).utf8)) }
        if let optional = value as? any OptionalValue, optional.isNone { return .jsonNull }
        switch value {
        case let text as String: return CacheValue(format: .text, bytes: Array(text.utf8))
        case let bytes as [UInt8]: return CacheValue(format: .raw, bytes: bytes)
        case let data as Data: return CacheValue(format: .raw, bytes: Array(data))
        case let int as Int: return CacheValue(format: .integer, bytes: Array(String(int).utf8))
        case let bool as Bool: return CacheValue(format: .json, bytes: Array((bool ? "true" : "false").utf8))
        case let integer as any FixedWidthInteger: return CacheValue(format: .integer, bytes: Array("\(integer)".utf8))
        default: break
        }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return CacheValue(format: .json, bytes: Array(try encoder.encode(value)))
        } catch {
            throw CacheError(.encodingFailed, "cannot encode a value of type \(T.self) for the cache: \(describe(error))")
        }
    }

    /// Decodes a stored value as `type`.
    /// - Throws: ``CacheError`` with code `.decodingFailed` when the stored bytes are not a `type`
    ///   (a stored `1` read as `Bool`, text that is not valid UTF-8, JSON of another shape).
    public static func decode<T: Decodable>(_ type: T.Type, from value: CacheValue) throws -> T {
        // Concrete types first (a metatype comparison); the optional check casts to an existential.
        if T.self == Int.self, value.format != .json {
            guard let parsed = value.integerValue else { throw mismatch(type, value, "it is not an integer") }
            if let result = Int(exactly: parsed) as? T { return result }
        }
        if T.self == String.self, value.format != .json {
            guard let text = String(validating: value.bytes, as: UTF8.self) else {
                throw mismatch(type, value, "the bytes are not valid UTF-8")
            }
            if let result = text as? T { return result }
        }
        if let optionalType = T.self as? any DecodableOptional.Type, let result = try optionalType.decodeWrapped(from: value) as? T {
            return result
        }
        if T.self == [UInt8].self, let bytes = value.bytes as? T { return bytes }
        if T.self == Data.self, let data = Data(value.bytes) as? T { return data }
        if let integerType = T.self as? any FixedWidthInteger.Type, value.format != .json {
            guard let parsed = value.integerValue else { throw mismatch(type, value, "it is not an integer") }
            if let result = integerType.init(exactly: parsed) as? T { return result }
            throw mismatch(type, value, "\(parsed) does not fit")
        }
        if T.self == Bool.self {
            if value.format == .json, value.bytes == Array("true".utf8), let result = true as? T { return result }
            if value.format == .json, value.bytes == Array("false".utf8), let result = false as? T { return result }
            throw mismatch(type, value, "it is not true or false")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(value.bytes))
        } catch {
            throw mismatch(type, value, describe(error))
        }
    }

    private static func mismatch<T>(_ type: T.Type, _ value: CacheValue, _ reason: String) -> CacheError {
        CacheError(.decodingFailed, "the cached \(value.format) value (\(value.bytes.count) bytes) cannot be read as \(T.self): \(reason)")
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case EncodingError.invalidValue(_, let context): return context.debugDescription
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.typeMismatch(_, let context): return context.debugDescription
        case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case DecodingError.valueNotFound(_, let context): return context.debugDescription
        default: return String(describing: error)
        }
    }
}

/// Lets generic code ask "is this value `nil`?" without knowing the wrapped type.
protocol OptionalValue {
    var isNone: Bool { get }
}

extension Optional: OptionalValue {
    var isNone: Bool { self == nil }
}

/// Decodes `Wrapped?` as "JSON null is nil, anything else is a `Wrapped`", so `String?` reads text values.
protocol DecodableOptional {
    static func decodeWrapped(from value: CacheValue) throws -> Self
}

extension Optional: DecodableOptional where Wrapped: Decodable {
    static func decodeWrapped(from value: CacheValue) throws -> Self {
        value.isNull ? .none : .some(try CacheValueCoding.decode(Wrapped.self, from: value))
    }
}
