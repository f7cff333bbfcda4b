import Foundation
import Testing

@testable import Caching

/// Checklist item 7: values round-trip exactly; booleans stay distinct from integers.
@Suite struct CacheValueCodingTests {
    struct Profile: Codable, Equatable {
        var name: String
        var tags: [String]
        var scores: [String: Double]
    }

    @Test func textIsStoredAsUTF8Text() throws {
        let value = try CacheValueCoding.encode("héllo")
        #expect(value.format == .text)
        #expect(value.bytes == Array("héllo".utf8))
        #expect(try CacheValueCoding.decode(String.self, from: value) == "héllo")
    }

    @Test func rawBytesAreStoredAsIs() throws {
        let bytes: [UInt8] = [0, 255, 13, 10, 33]
        let value = try CacheValueCoding.encode(bytes)
        #expect(value == CacheValue(format: .raw, bytes: bytes))
        #expect(try CacheValueCoding.decode([UInt8].self, from: value) == bytes)
        #expect(try CacheValueCoding.decode(Data.self, from: CacheValueCoding.encode(Data(bytes))) == Data(bytes))
    }

    @Test func integersAreDecimalDigits() throws {
        let value = try CacheValueCoding.encode(-42)
        #expect(value == CacheValue(format: .integer, bytes: Array("-42".utf8)))
        #expect(try CacheValueCoding.decode(Int.self, from: value) == -42)
        #expect(try CacheValueCoding.decode(Int64.self, from: CacheValueCoding.encode(Int64.max)) == Int64.max)
        #expect(try CacheValueCoding.decode(UInt8.self, from: CacheValueCoding.encode(UInt8(7))) == 7)
    }

    @Test func booleansStayDistinctFromIntegers() throws {
        let yes = try CacheValueCoding.encode(true)
        let one = try CacheValueCoding.encode(1)
        #expect(yes != one)
        #expect(try CacheValueCoding.decode(Bool.self, from: yes) == true)
        #expect(try CacheValueCoding.decode(Bool.self, from: CacheValueCoding.encode(false)) == false)
        #expect(throws: CacheError.self) { try CacheValueCoding.decode(Bool.self, from: one) }
        #expect(throws: CacheError.self) { try CacheValueCoding.decode(Int.self, from: yes) }
    }

    @Test func listsMapsAndStructsRoundTrip() throws {
        let profile = Profile(name: "ada", tags: ["x", "y"], scores: ["b": 2.5, "a": -1])
        #expect(try CacheValueCoding.decode(Profile.self, from: CacheValueCoding.encode(profile)) == profile)
        #expect(try CacheValueCoding.decode([Int].self, from: CacheValueCoding.encode([3, 1, 2])) == [3, 1, 2])
        let map = ["z": [1], "a": []]
        #expect(try CacheValueCoding.decode([String: [Int]].self, from: CacheValueCoding.encode(map)) == map)
        #expect(try CacheValueCoding.decode(Double.self, from: CacheValueCoding.encode(0.1)) == 0.1)
    }

    @Test func optionalsEncodeNilAsJSONNull() throws {
        let none: Int? = nil
        #expect(try CacheValueCoding.encode(none).isNull)
        #expect(try CacheValueCoding.decode(Int?.self, from: .jsonNull) == nil)
        #expect(try CacheValueCoding.decode(String?.self, from: CacheValueCoding.encode("x")) == "x")
    }

    @Test func unencodableValuesThrowATypedError() {
        #expect {
            try CacheValueCoding.encode(Profile(name: "nan", tags: [], scores: ["x": .nan]))
        } throws: { error in
            (error as? CacheError)?.code == .encodingFailed && "\(error)".contains("Profile")
        }
    }

    @Test func mismatchedReadsExplainWhatWasStored() {
        #expect {
            try CacheValueCoding.decode(Profile.self, from: CacheValue(format: .text, bytes: Array("plain".utf8)))
        } throws: { error in
            (error as? CacheError)?.code == .decodingFailed && "\(error)".contains("text")
        }
        #expect(throws: CacheError.self) {
            try CacheValueCoding.decode(String.self, from: CacheValue(format: .raw, bytes: [0xFF, 0xFE]))
        }
    }

    @Test func integerParsingRejectsOverflowAndJunk() {
        #expect(Int64(decimalASCII: Array("9223372036854775807".utf8)) == .max)
        #expect(Int64(decimalASCII: Array("-9223372036854775808".utf8)) == .min)
        #expect(Int64(decimalASCII: Array("9223372036854775808".utf8)) == nil)
        #expect(Int64(decimalASCII: Array("12a".utf8)) == nil)
        #expect(Int64(decimalASCII: Array("-".utf8)) == nil)
        #expect(Int64(decimalASCII: []) == nil)
    }
}
