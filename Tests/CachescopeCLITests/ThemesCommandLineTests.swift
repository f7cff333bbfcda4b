import Foundation
import Testing

/// `cachescope themes`: the shipped themes are found from the repository, valid, complete, and the default
/// file matches the compiled-in default; a broken file is reported with its line.
@Suite struct ThemesCommandLineTests {
    let cli = CommandLineTests()

    @Test func theShippedThemesAreFoundAndValid() async throws {
        let result = try await cli.run(["themes"])
        #expect(result.status == 0, "\(result.output)")
        for name in ["default", "light", "high-contrast", "monochrome"] {
            #expect(result.output.contains("\(name)\t") && result.output.contains("themes/\(name).toml"), "\(name) is listed from the repository")
        }
    }

    @Test func everyShippedThemeNamesEveryRoleAndDefaultMatchesTheBuiltIn() async throws {
        let builtIn = try await cli.run(["themes", "--show", "built-in"])
        #expect(builtIn.status == 0)
        #expect(try await cli.run(["themes", "--show", "default"]).output == builtIn.output, "themes/default.toml equals the compiled-in default")
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let roles = builtIn.output.split(separator: "\n").compactMap { $0.split(separator: "\t").first.map(String.init) }
        #expect(roles.count == 13)
        for name in ["default", "light", "high-contrast", "monochrome"] {
            let text = try String(contentsOf: repository.appendingPathComponent("themes/\(name).toml"), encoding: .utf8)
            for role in roles { #expect(text.contains("[\(role)]"), "\(name) sets \(role)") }
        }
    }

    @Test func aBrokenThemeFileIsReportedWithItsLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "[text]\nfg = \"red\"\n\n[sparkles]\nfg = 3\n".write(
            to: directory.appendingPathComponent("broken.toml"), atomically: true, encoding: .utf8)
        try "[header]\nfg = \"chartreuse-ish\"\n".write(to: directory.appendingPathComponent("badcolour.toml"), atomically: true, encoding: .utf8)
        let result = try await cli.run(["themes"], environment: ["CACHESCOPE_THEMES": directory.path])
        #expect(result.status == 2)
        #expect(result.output.contains("broken.toml:4: unknown role 'sparkles'"))
        #expect(result.output.contains("badcolour.toml:1: [header] fg = "))
        #expect(result.output.contains("using the built-in default theme"))
    }
}
