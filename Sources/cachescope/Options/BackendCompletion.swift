import ArgumentParser
import Settings

/// Shell completion of a backend argument (`cachescope keys <Tab>`): the backend names of the config file —
/// the one `--config` names on the line being completed, else the default one.
enum BackendCompletion {
    static let kind = CompletionKind.custom { arguments, _, prefix in names(arguments: arguments, prefix: prefix) }

    static func names(arguments: [String], prefix: String) -> [String] {
        var explicit: String?
        for (index, argument) in arguments.enumerated() {
            if argument == "--config", index + 1 < arguments.count { explicit = arguments[index + 1] }
            if argument.hasPrefix("--config=") { explicit = String(argument.dropFirst("--config=".count)) }
        }
        guard let path = ConfigFile.locate(explicit: explicit), let config = try? ConfigFile(path: path) else { return [] }
        return config.backends.map(\.name).filter { $0.hasPrefix(prefix) }
    }
}
