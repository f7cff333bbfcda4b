import ArgumentParser
import Dashboard
import Settings

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

    @Option(help: ArgumentHelp("Print how theme NAME colours each role (\"built-in\" for the compiled-in default).", valueName: "name"))
    var show: String?

    func run() throws {
        let catalog = ThemeCatalog()
        if let show {
            let theme: Theme
            if show == "built-in" {
                theme = Theme.builtInDefault
            } else {
                guard let path = catalog.path(of: show) else { throw CommandFailure(.usage, "no theme '\(show)' (see cachescope themes)") }
                theme = try ThemeFile.load(path: path, name: show)
            }
            for role in StyleRole.allCases {
                let style = theme.style(for: role)
                let attributes = ThemeFile.attributeNames.filter { style.attributes.contains($0.1) }.map(\.0)
                let colours = "fg=\(Self.text(style.foreground))\tbg=\(Self.text(style.background))"
                print("\(ThemeFile.fileKey(role))\t\(colours)\t\(attributes.joined(separator: ","))")
            }
            return
        }
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

    static func text(_ color: ThemeColor) -> String {
        switch color {
        case .terminalDefault: "default"
        case .indexed(let index): "\(index)"
        case .rgb(let r, let g, let b): "rgb(\(r),\(g),\(b))"
        }
    }
}
