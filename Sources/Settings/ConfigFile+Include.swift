import CacheMonitor
import Foundation
import TOMLKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// `include = ["conf.d/*.toml"]`: the backends of other files (one per service, generated), after the main
// file's own.
extension ConfigFile {
    /// Reads each file the patterns match (relative to this file's directory; sorted by path within a
    /// pattern), appending their backends. A pattern that matches no file is a warning.
    mutating func readIncludes(_ value: any TOMLValueConvertible, lines: ConfigLines, environment: [String: String]) throws {
        let line = lines.line(ofField: "include", inBackend: nil)
        let expected = "include must be a list of file patterns in quotes, such as [\"conf.d/*.toml\"]"
        var patterns: [String] = []
        if let text = value.string {
            patterns = [text]
        } else if let array = value.array {
            for index in 0..<array.count {
                guard let text = array[index].string, !text.isEmpty else { throw failure(line, expected) }
                patterns.append(text)
            }
        } else {
            throw failure(line, expected)
        }
        let directory = (path as NSString).deletingLastPathComponent
        var read = Set<String>()
        for pattern in patterns {
            let expanded = (pattern as NSString).expandingTildeInPath
            let absolute = expanded.hasPrefix("/") ? expanded : (directory.isEmpty ? expanded : directory + "/" + expanded)
            let files = Self.files(matching: absolute)
            if files.isEmpty {
                warnings.append("\(path)\(line.map { ":\($0)" } ?? ""): include '\(pattern)' matches no file")
                continue
            }
            for file in files where read.insert(file).inserted && file != path {
                let included = try ConfigFile(path: file, environment: environment, included: true)
                for backend in included.backends {
                    if let clash = backends.first(where: { $0.isNamed && backend.isNamed && $0.name.lowercased() == backend.name.lowercased() }) {
                        throw SettingsError(
                            "two backends are named '\(backend.name)': in \(clash.origin ?? path) and in \(file); give each a name of its own")
                    }
                    backends.append(backend)
                }
            }
        }
    }

    /// The regular files `pattern` matches (shell glob: `*`, `?`, `[…]`), sorted.
    static func files(matching pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            guard let pointer = result.gl_pathv[index] else { continue }
            let file = String(cString: pointer)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue { paths.append(file) }
        }
        return paths.sorted()
    }
}
