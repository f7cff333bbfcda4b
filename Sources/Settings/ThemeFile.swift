import Basics
import Dashboard
import Foundation
import TOMLKit

/// A theme file, `themes/NAME.toml`: one table per colour role.
///
/// ```toml
/// [header]
/// fg = "#ffffff"     # a name (red, bright-blue, gray), 0–255, #rrggbb or "default"
/// bg = 24
/// bold = true        # also underline, reverse
/// ```
/// A role left out keeps the built-in default's look; an unknown role or colour is an error naming the
/// file and line.
package enum ThemeFile {
    package static let attributeNames: [(String, CellAttributes)] = [("bold", .bold), ("underline", .underline), ("reverse", .reverse)]

    /// The role's name in files: `border_focused` for ``StyleRole/borderFocused``.
    package static func fileKey(_ role: StyleRole) -> String {
        role.rawValue.reduce(into: "") { out, character in
            if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
        }
    }

    /// Reads the theme at `path`.
    /// - Throws: ``SettingsError`` with one line `FILE:LINE: what is wrong`.
    package static func load(path: String, name: String) throws -> Theme {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SettingsError("\(path): cannot read the theme file")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SettingsError("\(path):\(error.source.begin.line): \(error.description)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func line(of role: String) -> Int { (lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "[\(role)]" } ?? 0) + 1 }
        var styles: [StyleRole: RoleStyle] = [:]
        let roles = Dictionary(uniqueKeysWithValues: StyleRole.allCases.map { (fileKey($0), $0) })
        for (key, value) in table {
            guard let role = roles[key] else {
                throw SettingsError(
                    "\(path):\(line(of: key)): unknown role '\(key)'; expected \(StyleRole.allCases.map(fileKey).joined(separator: ", "))")
            }
            guard let entry = value.table else {
                throw SettingsError("\(path):\(line(of: key)): \(key) must be a table ([\(key)] with fg, bg, bold…)")
            }
            var style = RoleStyle()
            for (field, fieldValue) in entry {
                switch field {
                case "fg", "bg":
                    let text = fieldValue.string ?? fieldValue.int.map(String.init)
                    guard let text, let color = ThemeColor(parsing: text) else {
                        throw SettingsError(
                            "\(path):\(line(of: key)): [\(key)] \(field) = \(fieldValue) is not a colour (a name, 0–255, #rrggbb or \"default\")")
                    }
                    if field == "fg" { style.foreground = color } else { style.background = color }
                default:
                    guard let attribute = attributeNames.first(where: { $0.0 == field }) else {
                        throw SettingsError("\(path):\(line(of: key)): [\(key)] unknown field '\(field)'; expected fg, bg, bold, underline, reverse")
                    }
                    guard let on = fieldValue.bool else {
                        throw SettingsError("\(path):\(line(of: key)): [\(key)] \(field) must be true or false")
                    }
                    if on { style.attributes.insert(attribute.1) }
                }
            }
            styles[role] = style
        }
        return Theme(name: name, styles: styles)
    }
}

/// Where themes are found, and loading one by name with a fallback that never stops the dashboard.
///
/// Directories, first match wins: `$CACHESCOPE_THEMES`, `$XDG_CONFIG_HOME/cachescope/themes` (or
/// `~/.config/cachescope/themes`), `PREFIX/share/cachescope/themes` next to an installed binary
/// (`PREFIX/bin/cachescope`), and the repository's `themes/` when run with `swift run` (found by walking up
/// from the binary, then from the current directory).
package struct ThemeCatalog: Sendable {
    package let directories: [String]

    package init(environment: [String: String] = ProcessInfo.processInfo.environment, executablePath: String = CommandLine.arguments.first ?? "") {
        var directories: [String] = []
        if let explicit = environment["CACHESCOPE_THEMES"], !explicit.isEmpty { directories.append(explicit) }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["HOME"].map { "\($0)/.config" }
        if let config { directories.append("\(config)/cachescope/themes") }
        let executable = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        directories.append(executable.deletingLastPathComponent().appendingPathComponent("share/cachescope/themes").path)
        for start in [executable, URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] {
            var directory = start
            for _ in 0..<6 {
                let candidate = directory.appendingPathComponent("themes")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("default.toml").path) {
                    directories.append(candidate.path)
                    break
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        var seen = Set<String>()
        self.directories = directories.filter { seen.insert($0).inserted }
    }

    /// Every theme name found (`default` first), for `t` to cycle through.
    package var names: [String] {
        var names = Set(["default"])
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files where file.hasSuffix(".toml") { names.insert(String(file.dropLast(5))) }
        }
        return ["default"] + names.subtracting(["default"]).sorted()
    }

    /// The file of theme `name`, if one exists.
    package func path(of name: String) -> String? {
        directories.map { "\($0)/\(name).toml" }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Theme `name`; when it is missing or broken, the built-in default and one line saying why.
    package func load(_ name: String) -> (theme: Theme, problem: String?) {
        guard let path = path(of: name) else {
            if name == "default" { return (Theme.builtInDefault, nil) }
            return (Theme.builtInDefault, "theme '\(name)' not found (looked in \(directories.joined(separator: ", "))); using the built-in default")
        }
        do {
            return (try ThemeFile.load(path: path, name: name), nil)
        } catch {
            return (Theme.builtInDefault, "\(ErrorText.oneLine(error)); using the built-in default theme")
        }
    }
}
