/// Writes metric families as Prometheus text (exposition format 0.0.4) or OpenMetrics 1.0 — the formats
/// every Prometheus scraper reads.
package enum ExpositionFormat: Sendable, Hashable {
    case prometheus
    case openMetrics

    /// The `Content-Type` of a response in this format.
    package var contentType: String {
        switch self {
        case .prometheus: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// The format a scraper's `Accept` header asks for: OpenMetrics when it names
    /// `application/openmetrics-text`, else the classic text format.
    package static func negotiated(accept: String?) -> ExpositionFormat {
        guard let accept else { return .prometheus }
        return accept.lowercased().contains("application/openmetrics-text") ? .openMetrics : .prometheus
    }

    /// The families as text, each with its `HELP` and `TYPE` lines (OpenMetrics: counters' family names without
    /// `_total`, and `# EOF` at the end).
    package func render(_ families: [MetricFamily]) -> String {
        var text = ""
        text.reserveCapacity(families.count * 160)
        for family in families where !family.samples.isEmpty {
            let familyName =
                self == .openMetrics && family.kind == .counter && family.name.hasSuffix("_total")
                ? String(family.name.dropLast("_total".count)) : family.name
            text += "# HELP \(familyName) \(Self.escapeHelp(family.help))\n"
            text += "# TYPE \(familyName) \(family.kind.rawValue)\n"
            for sample in family.samples {
                text += family.name + sample.suffix
                if !sample.labels.isEmpty {
                    text += "{"
                    text += sample.labels.map { "\($0.name)=\"\(Self.escapeLabel($0.value))\"" }.joined(separator: ",")
                    text += "}"
                }
                text += " " + Self.number(sample.value) + "\n"
            }
        }
        if self == .openMetrics { text += "# EOF\n" }
        return text
    }

    /// `1`, `0.25`, `1.5e+09`, `NaN`, `+Inf`, `-Inf`: what both formats accept.
    package static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    package static func escapeLabel(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    package static func escapeHelp(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Substring(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
