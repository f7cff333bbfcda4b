import CacheMonitor
import Dashboard
import TOMLKit

// The `[ui]` table: what the dashboard's overview keeps across runs (its sort and grouping).
extension ConfigFile {
    static let uiFields = ["sort", "sort_reverse", "group"]

    /// Reads `[ui]`.
    mutating func readUI(_ value: any TOMLValueConvertible, lines: ConfigLines) throws {
        guard let entry = value.table else { throw failure(lines.line(ofField: "ui", inBackend: nil), "ui must be a table written [ui]") }
        func line(_ field: String) -> Int? { lines.line(ofField: field, inTable: "ui") }
        for key in entry.keys where !Self.uiFields.contains(key) {
            throw failure(line(key), "unknown field '\(key)' in [ui]; expected \(Self.uiFields.joined(separator: ", "))")
        }
        if let value = entry["sort"] {
            guard let text = value.string, let column = OverviewSortColumn(rawValue: text) else {
                throw failure(line("sort"), "sort must be one of \(OverviewSortColumn.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
            }
            overview.sort = column
        }
        if let value = entry["sort_reverse"] {
            guard let flag = value.bool else { throw failure(line("sort_reverse"), "sort_reverse must be true or false") }
            overview.reversed = flag
        }
        if let value = entry["group"] {
            guard let text = value.string, let grouping = OverviewGrouping(rawValue: text) else {
                throw failure(line("group"), "group must be \"none\", \"tag\" or \"type\"")
            }
            overview.grouping = grouping
        }
    }
}
