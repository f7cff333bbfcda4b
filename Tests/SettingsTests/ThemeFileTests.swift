import Dashboard
import Foundation
import Settings
import Testing

/// Theme files read without the binary: colours and emphasis per role, the shipped themes, and broken
/// files that fall back to the built-in default with one line saying why.
@Suite struct ThemeFileTests {
    private let repositoryThemes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("themes")

    private func write(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachescope-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return directory
    }

    @Test func rolesTakeColoursAndEmphasisAndTheRestKeepTheDefault() throws {
        let directory = try write(["mine.toml": "[header]\nfg = \"#ffffff\"\nbg = 24\nbold = true\n\n[border_focused]\nfg = \"bright-blue\"\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let theme = try ThemeFile.load(path: directory.appendingPathComponent("mine.toml").path, name: "mine")
        #expect(theme.style(for: .header).foreground == .rgb(255, 255, 255))
        #expect(theme.style(for: .header).background == .indexed(24))
        #expect(theme.style(for: .header).attributes.contains(.bold))
        #expect(theme.style(for: .borderFocused).foreground != Theme.builtInDefault.style(for: .borderFocused).foreground)
        #expect(theme.style(for: .text) == Theme.builtInDefault.style(for: .text), "a role left out keeps the default's look")
    }

    @Test func theShippedDefaultFileEqualsTheBuiltInDefault() throws {
        let theme = try ThemeFile.load(path: repositoryThemes.appendingPathComponent("default.toml").path, name: "default")
        for role in StyleRole.allCases { #expect(theme.style(for: role) == Theme.builtInDefault.style(for: role), "\(role)") }
    }

    @Test func aBrokenOrMissingThemeFallsBackToTheDefaultWithOneLine() throws {
        let directory = try write([
            "broken.toml": "[text]\nfg = \"red\"\n\n[sparkles]\nfg = 3\n", "badcolour.toml": "[header]\nfg = \"chartreuse-ish\"\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalog = ThemeCatalog(
            environment: ["CACHESCOPE_THEMES": directory.path, "HOME": "/nonexistent"], executablePath: "/nonexistent/bin/cachescope")
        #expect(catalog.names.contains("broken") && catalog.names.first == "default")
        let broken = catalog.load("broken")
        #expect(broken.theme == Theme.builtInDefault)
        #expect(broken.problem?.contains("broken.toml:4: unknown role 'sparkles'") == true, "\(broken.problem ?? "")")
        #expect(catalog.load("badcolour").problem?.contains("badcolour.toml:1: [header] fg = ") == true)
        #expect(catalog.load("nowhere").problem?.contains("theme 'nowhere' not found") == true)
        #expect(catalog.load("default").problem == nil, "the default needs no file")
    }
}
