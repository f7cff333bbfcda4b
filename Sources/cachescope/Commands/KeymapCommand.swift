import ArgumentParser
import Dashboard

/// `cachescope keymap`: the dashboard's keys, from the same table that drives it.
struct KeymapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keymap",
        abstract: "Print the dashboard's keys (the README's key list is this output)."
    )

    @Flag(help: "Print Markdown tables (the default).")
    var markdown = false

    @Flag(name: .customLong("read-only"), help: "Leave out the keys that change data, as --read-only does.")
    var readOnly = false

    func run() {
        print(KeyMap.markdown(readOnly: readOnly), terminator: "")
    }
}
