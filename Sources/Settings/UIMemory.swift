import Dashboard
import Foundation

/// Keeps the overview's sort and grouping in a configuration file's `[ui]` table, as htop keeps its
/// settings in htoprc: only the `sort`, `sort_reverse` and `group` lines are written, every other line
/// (comments, backends, order) stays as it was; a file that does not exist yet is made with `[ui]` alone.
package enum UIMemory {
    /// Writes `choice` into the file at `path`.
    /// - Throws: ``SettingsError`` (one line) when the file cannot be read or written, or would no longer
    ///   read as a configuration.
    package static func remember(_ choice: RememberedOverview, in path: String) throws {
        let manager = FileManager.default
        var text = ""
        if manager.fileExists(atPath: path) {
            guard let data = manager.contents(atPath: path), let existing = String(data: data, encoding: .utf8) else {
                throw SettingsError("\(path): cannot read the configuration file to keep the overview's sort in [ui]")
            }
            text = existing
        }
        let updated = updating(text, with: choice)
        // Never leave a file the next run cannot read.
        do {
            _ = try ConfigFile(text: updated, path: path, environment: ProcessInfo.processInfo.environment)
        } catch let error as SettingsError {
            throw SettingsError("\(path): the sort was not kept in [ui]: the file does not read as a configuration (\(error.message))")
        }
        do {
            try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try updated.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw SettingsError("\(path): cannot keep the overview's sort in [ui]: \(error.localizedDescription)")
        }
    }

    /// `text` with the `[ui]` table's `sort`, `sort_reverse` and `group` set to `choice`.
    package static func updating(_ text: String, with choice: RememberedOverview) -> String {
        let values: [(key: String, value: String)] = [
            ("sort", "\"\(choice.sort.rawValue)\""), ("sort_reverse", choice.reversed ? "true" : "false"),
            ("group", "\"\(choice.grouping.rawValue)\""),
        ]
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let header = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "[ui]" }) else {
            if let last = lines.last, !last.trimmingCharacters(in: .whitespaces).isEmpty { lines.append("") }
            lines.append("[ui]")
            lines += values.map { "\($0.key) = \($0.value)" }
            return lines.joined(separator: "\n") + "\n"
        }
        var end = header + 1
        while end < lines.count, !lines[end].trimmingCharacters(in: .whitespaces).hasPrefix("[") { end += 1 }
        var missing: [String] = []
        for (key, value) in values {
            let existing = (header + 1..<end).first { index in
                lines[index].split(separator: "=", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces) == key
            }
            if let existing {
                lines[existing] = "\(key) = \(value)"
            } else {
                missing.append("\(key) = \(value)")
            }
        }
        lines.insert(contentsOf: missing, at: header + 1)
        return lines.joined(separator: "\n") + "\n"
    }
}
