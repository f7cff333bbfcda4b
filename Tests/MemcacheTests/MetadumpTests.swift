import NIOCore
import Testing

@testable import Memcache

@Suite("lru_crawler metadump lines")
struct MetadumpTests {
    @Test func fullLineOfMemcached1_6_24() throws {
        let entry = try #require(MetadumpEntry(line: Array("key=user%3A42 exp=1764441600 la=1764440000 cas=9 fetch=yes cls=1 size=64 flags=16".utf8)))
        #expect(
            entry
                == MetadumpEntry(
                    key: Array("user:42".utf8), expiresAt: 1_764_441_600, lastAccess: 1_764_440_000, casUnique: 9, fetched: true,
                    slabClass: 1, size: 64, flags: 16
                ))
        #expect(entry.remainingSeconds(serverTime: 1_764_441_500) == 100)
        #expect(entry.remainingSeconds(serverTime: 1_764_441_700) == 0)
    }

    @Test func neverExpiringAndOlderServerLines() throws {
        let entry = try #require(MetadumpEntry(line: Array("key=a exp=-1 la=5 cas=1 fetch=no".utf8)))
        #expect(entry.expiresAt == nil)
        #expect(entry.remainingSeconds(serverTime: 100) == nil)
        #expect(entry.size == nil && entry.slabClass == nil && entry.flags == nil && entry.fetched == false)
        // Unknown fields (extstore's ext_page=…) are ignored.
        #expect(MetadumpEntry(line: Array("key=b exp=-1 la=5 cas=2 fetch=no cls=3 size=90 ext_page=1 ext_offset=8".utf8))?.size == 90)
    }

    @Test func encodedKeysAreDecoded() {
        #expect(PercentEncoding.decode(Array("a%20b".utf8)) == Array("a b".utf8))
        #expect(PercentEncoding.decode(Array("path%2Fto%2fx".utf8)) == Array("path/to/x".utf8))
        #expect(PercentEncoding.decode(Array("caf%C3%A9".utf8)) == Array("café".utf8))
        #expect(PercentEncoding.decode(Array("100%25".utf8)) == Array("100%".utf8))
        // Not an escape: kept as it is.
        #expect(PercentEncoding.decode(Array("50%".utf8)) == Array("50%".utf8))
        #expect(PercentEncoding.decode(Array("%zz%4".utf8)) == Array("%zz%4".utf8))
        #expect(MetadumpEntry(line: Array("key=%E2%9C%93%20ok exp=-1 la=1 cas=1 fetch=no".utf8))?.key == Array("✓ ok".utf8))
    }

    @Test(arguments: ["", "END", "key= exp=-1", "key=a", "key=a exp=soon", "key=a exp=-1 cas=x", "garbage", "key=a exp=-1 novalue"])
    func malformedLinesAreRejected(line: String) {
        #expect(MetadumpEntry(line: Array(line.utf8)) == nil)
    }

    private func walk(_ chunks: [String], deduplicate: Bool = true) throws -> (MetadumpWalk, [MetadumpEntry], MetadumpWalk.Outcome) {
        var walk = MetadumpWalk(peer: "test", deduplicate: deduplicate)
        var buffer = ByteBuffer()
        var entries: [MetadumpEntry] = []
        var outcome = MetadumpWalk.Outcome.more
        for chunk in chunks {
            buffer.writeString(chunk)
            outcome = try walk.consume(&buffer)
            entries += walk.batch
            walk.batch.removeAll()
            if outcome != .more { break }
        }
        return (walk, entries, outcome)
    }

    @Test func streamSplitAnywhereGivesTheSameEntries() throws {
        let stream = "key=a exp=-1 la=1 cas=1 fetch=no cls=1 size=60\nkey=b%20c exp=100 la=1 cas=2 fetch=yes cls=1 size=61\nEND\r\n"
        let (_, whole, outcome) = try walk([stream])
        #expect(outcome == .finished)
        #expect(whole.map(\.key) == [Array("a".utf8), Array("b c".utf8)])
        for split in 1..<stream.utf8.count {
            let bytes = Array(stream.utf8)
            let (_, entries, end) = try walk([String(decoding: bytes[..<split], as: UTF8.self), String(decoding: bytes[split...], as: UTF8.self)])
            #expect(entries == whole && end == .finished, "split at \(split)")
        }
    }

    @Test func seenItemsKnowEveryItemOnceAcrossBatchesAndGrowth() {
        var seen = SeenItems(expected: 0, seed: 42)
        var fresh = 0
        for batch in 0..<20 {
            // 5,000 new items a batch, each also again in the same batch, plus every item of the batch before.
            let new = (0..<5_000).map { (keyHash: UInt64(batch * 5_000 + $0) &* 0x9E37_79B9, cas: UInt64(batch * 5_000 + $0 + 1)) }
            let before =
                batch == 0
                ? [] : (0..<5_000).map { (keyHash: UInt64((batch - 1) * 5_000 + $0) &* 0x9E37_79B9, cas: UInt64((batch - 1) * 5_000 + $0 + 1)) }
            let answers = seen.insert(new + new + before)
            #expect(answers.prefix(5_000).allSatisfy { $0 }, "batch \(batch): every new item is new")
            #expect(answers.dropFirst(5_000).allSatisfy { !$0 }, "batch \(batch): repeats, in the batch or from before, are not")
            fresh += answers.filter { $0 }.count
        }
        #expect(fresh == 100_000)
        let first = seen.insert(keyHash: 7, cas: 1)
        let again = seen.insert(keyHash: 7, cas: 1)
        let storedAgain = seen.insert(keyHash: 7, cas: 2)
        let withoutCAS = [seen.insert(keyHash: 8, cas: 0), seen.insert(keyHash: 9, cas: 0)]
        #expect(first && !again)
        #expect(storedAgain, "the same key stored again (a new CAS) is another item")
        #expect(withoutCAS == [true, true], "without CAS, keys tell items apart")
    }

    @Test func duplicatesAreDroppedOnKeyAndCAS() throws {
        let stream = "key=a exp=-1 la=1 cas=1 fetch=no\nkey=a exp=-1 la=1 cas=1 fetch=no\nkey=a exp=-1 la=1 cas=2 fetch=no\nkey=bad\nEND\r\n"
        let (state, entries, _) = try walk([stream])
        #expect(entries.map(\.casUnique) == [1, 2])
        #expect(state.summary.duplicates == 1 && state.summary.malformedLines == 1 && state.summary.completed)
        let (_, all, _) = try walk([stream], deduplicate: false)
        #expect(all.count == 3)
    }

    @Test func controlRepliesOfTheCrawler() throws {
        #expect(try walk(["BUSY currently processing crawler request\r\n"]).2 == .busy)
        let (empty, entries, outcome) = try walk(["NOTSTARTED no items to crawl\r\n"])
        #expect(outcome == .finished && entries.isEmpty && empty.summary.completed)
        let failures: [(String, MemcachedError.Code)] = [
            ("ERROR metadump not allowed\r\n", .metadumpUnavailable), ("CLIENT_ERROR lru crawler disabled\r\n", .metadumpUnavailable),
            ("ERROR\r\n", .metadumpUnavailable), ("CLIENT_ERROR bad command line format\r\n", .metadumpUnavailable),
            ("BADCLASS invalid class id\r\n", .clientError), ("SERVER_ERROR out of memory\r\n", .serverError),
        ]
        for (line, code) in failures {
            #expect(throws: MemcachedError.self, "\(line)") { _ = try walk([line]) }
            do { _ = try walk([line]) } catch let error as MemcachedError { #expect(error.code == code, "\(line)") }
        }
    }

    @Test func endlessLineIsAProtocolViolation() {
        #expect(throws: MemcachedError.self) { _ = try walk([String(repeating: "k", count: 70_000)]) }
    }
}
