import Foundation

/// A label a backend carries (config `tags = ["prod", "eu", "sessions"]`), for `--tag`, the group view and
/// the metrics' `tag_<name>="1"` labels. Letters, digits and `- _ . : /`; two tags are the same tag whatever
/// their case (`Prod` is `prod`), and the first spelling is kept.
package struct BackendTag: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// As written.
    package let name: String
    /// Lowercased: what comparisons use.
    private let folded: String

    /// `nil` for an empty tag or one with other characters (spaces, commas, quotes).
    package init?(_ text: String) {
        guard !text.isEmpty, text.count <= 64, text.unicodeScalars.allSatisfy(Self.allowed) else { return nil }
        name = text
        folded = text.lowercased()
    }

    /// What a tag may hold.
    package static let allowedText = "letters, digits and - _ . : /"

    private static func allowed(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.:/".unicodeScalars.contains(scalar)
    }

    package static func == (lhs: BackendTag, rhs: BackendTag) -> Bool { lhs.folded == rhs.folded }
    package func hash(into hasher: inout Hasher) { hasher.combine(folded) }
    package static func < (lhs: BackendTag, rhs: BackendTag) -> Bool { lhs.folded < rhs.folded }

    package var description: String { name }

    /// The Prometheus label the tag becomes on every series of its backend: `tag_` and the tag with each
    /// character a label name cannot hold (`-`, `.`, `:`, `/`, non-ASCII letters) written `_`, lowercased
    /// (`eu-west-1` → `tag_eu_west_1`).
    package var labelName: String {
        "tag_"
            + String(
                String.UnicodeScalarView(
                    folded.unicodeScalars.map { scalar in
                        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) ? scalar : "_"
                    }))
    }
}

/// The tags `--tag` asks for: each `--tag` is one choice and a backend is chosen when it matches any of
/// them (`--tag sessions --tag pages`: both kinds); a choice naming several tags (`--tag prod,eu`) matches the
/// backends carrying all of them (the production backends in the EU).
package struct TagSelection: Sendable, Hashable {
    /// Each choice's tags.
    package let choices: [[BackendTag]]

    package init(_ choices: [[BackendTag]]) {
        self.choices = choices.filter { !$0.isEmpty }
    }

    /// Parses the `--tag` values.
    /// - Throws: ``MonitorError/invalidBackend(_:)`` naming a tag that cannot be one.
    package init(parsing values: [String]) throws {
        var choices: [[BackendTag]] = []
        for value in values {
            var tags: [BackendTag] = []
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                guard let tag = BackendTag(part.trimmingCharacters(in: .whitespaces)) else {
                    throw MonitorError.invalidBackend("--tag '\(value)': a tag is \(BackendTag.allowedText) (at most 64), such as prod or eu-west-1")
                }
                if !tags.contains(tag) { tags.append(tag) }
            }
            choices.append(tags)
        }
        self.init(choices)
    }

    /// Every tag named, each once.
    package var tags: [BackendTag] {
        var seen: [BackendTag] = []
        for tag in choices.joined() where !seen.contains(tag) { seen.append(tag) }
        return seen
    }

    /// Whether a backend carrying `tags` is chosen (every backend when nothing is asked).
    package func matches(_ tags: [BackendTag]) -> Bool {
        choices.isEmpty || choices.contains { $0.allSatisfy(tags.contains) }
    }

    /// How the choices read in a message: `prod,eu or staging`.
    package var description: String {
        choices.map { $0.map(\.name).joined(separator: ",") }.joined(separator: " or ")
    }
}

extension MonitoredBackend {
    /// The labels every metric series of this backend carries for its tags: `tag_prod="1"`, one per tag
    /// (plain equality matchers select them, `{tag_prod="1"}`, and `sum by (tag_eu)` groups by one).
    package var tagLabels: [MetricFamily.Label] {
        var seen = Set<String>()
        return tags.compactMap { tag in seen.insert(tag.labelName).inserted ? MetricFamily.Label(tag.labelName, "1") : nil }
    }
}
