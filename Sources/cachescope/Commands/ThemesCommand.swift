import ArgumentParser
import Dashboard

/// `cachescope themes`: the themes found, where, and whether each file is valid.
struct ThemesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "themes",
        abstract: "List the dashboard's themes, where they were found, and check each file.",
        discussion: """
            Themes are themes/NAME.toml files, looked for in: $CACHESCOPE_THEMES, \
            $XDG_CONFIG_HOME/cachescope/themes (~/.config/cachescope/themes), PREFIX/share/cachescope/themes \
            for a binary installed as PREFIX/bin/cachescope, and the repository's themes/ when run with \
            swift run. The built-in default is used when none is found.

            Exit codes: 0 every theme file is valid; 2 a theme file has an error (printed).
            """
    )

    func run() throws {
        let catalog = ThemeCatalog()
        var broken = 0
        for name in catalog.names {
            let path = catalog.path(of: name)
            let problem = path == nil ? nil : catalog.load(name).problem
            if problem != nil { broken += 1 }
            print("\(name)\t\(path ?? "(built in)")\(problem.map { "\t\($0)" } ?? "")")
        }
        print("searched: \(catalog.directories.joined(separator: ", "))")
        if broken > 0 { throw CommandFailure(.usage, "\(broken) theme file(s) with errors") }
    }
}
