import Foundation
import Testing

/// The README's key list is exactly `cachescope keymap --markdown`.
@Suite struct KeymapCommandLineTests {
    @Test func theReadmeKeyListIsTheKeymapOutput() async throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- keymap:begin -->\n"))
        let end = try #require(text.range(of: "<!-- keymap:end -->"))
        let listed = String(text[begin.upperBound..<end.lowerBound])
        let result = try await CommandLineTests().run(["keymap", "--markdown"])
        #expect(result.status == 0)
        #expect(listed == result.output, "README.md's key list is stale: paste the output of `cachescope keymap --markdown`")
    }
}
