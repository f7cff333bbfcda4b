import Testing

@testable import RESP

/// The set that de-duplicates `SCAN` results: one key at a time or a page at once, past its growth.
@Suite struct KeyDigestSetTests {
    @Test func pagesAndSingleKeysAgreeAcrossGrowth() {
        var pages = KeyDigestSet()
        var single = KeyDigestSet()
        for page in 0..<10 {
            // 500 new keys, each twice in the page, and the page before again (SCAN returns keys again).
            let new = (0..<500).map { Array("key:\(page * 500 + $0)".utf8) }
            let before = page == 0 ? [] : (0..<500).map { Array("key:\((page - 1) * 500 + $0)".utf8) }
            let page = new + new + before
            let answers = pages.insert(contentsOf: page)
            #expect(answers == page.map { single.insert($0) })
            #expect(answers.prefix(500).allSatisfy { $0 } && answers.dropFirst(500).allSatisfy { !$0 })
        }
        #expect(pages.count == 5_000 && single.count == 5_000)
        #expect(pages.insert([]) && !pages.insert([]), "the empty key is a key")
        #expect(pages.insert([0, 255]) && !pages.insert([0, 255]))
    }
}
