import CacheMonitor

/// `cachescope check`'s output: per server its identity, then per feature the method it will use or why
/// none, each refusal in the server's words, and the remedy.
enum CapabilityReportText {
    /// `{"backend","type","servers":[{"address","version","flavor","role","tls","user","features":[{"feature",
    /// "status","method","refused":[{"command","error"}],"remedy","note"}]}],"missingNodes":[{"address","reason"}]}`.
    static func json(backend: MonitoredBackend, report: CapabilityReport) -> JSONValue {
        .object([
            ("backend", .string(backend.name)),
            ("type", .string(backend.source.kind.rawValue)),
            ("servers", .array(report.servers.map(server))),
            ("missingNodes", .array(report.missing.map { .object([("address", .string($0.address)), ("reason", .string($0.reason))]) })),
        ])
    }

    private static func server(_ server: ServerCapabilities) -> JSONValue {
        .object([
            ("address", .string(server.address)),
            ("version", .optional(server.version)),
            ("flavor", .string(server.flavor.rawValue)),
            ("role", .optional(server.role)),
            ("tls", .bool(server.tls)),
            ("user", .optional(server.user)),
            ("features", .array(server.features.map(feature))),
        ])
    }

    private static func feature(_ check: FeatureCheck) -> JSONValue {
        .object([
            ("feature", .string(check.feature.rawValue)),
            ("status", .string(check.status.rawValue)),
            ("method", .optional(check.method)),
            ("refused", .array(check.refused.map { .object([("command", .string($0.command)), ("error", .string($0.message))]) })),
            ("remedy", .optional(check.remedy)),
            ("note", .optional(check.note)),
        ])
    }

    /// A block per server: a heading with its identity, a row per feature, and under a row what was refused
    /// and what would give the rest.
    static func table(backend: MonitoredBackend, report: CapabilityReport) -> String {
        let answered = report.servers.count
        let total = answered + report.missing.count
        var out =
            "\(backend.name) (\(backend.address)): \(total) server\(total == 1 ? "" : "s")"
            + (report.missing.isEmpty ? "" : ", \(report.missing.count) did not answer") + "\n"
        for server in report.servers {
            out += "\n== " + server.identity(separator: "  ") + "\n"
            let methodWidth = max(6, server.features.map { ($0.method ?? "—").count }.max() ?? 0)
            out += "FEATURE     STATUS       " + "METHOD".rightPadded(to: methodWidth) + "  NOTE\n"
            for check in server.features {
                let note = check.note.map { "  " + $0 } ?? ""
                let row =
                    check.feature.rawValue.rightPadded(to: 12) + check.status.rawValue.rightPadded(to: 13)
                    + (check.method ?? "—").rightPadded(to: methodWidth) + note
                out += String(row.reversed().drop { $0 == " " }.reversed()) + "\n"
                for refusal in check.refused { out += "    refused \(refusal.command): \(refusal.message)\n" }
                if let remedy = check.remedy { out += "    remedy: \(remedy)\n" }
            }
        }
        for node in report.missing { out += "\n== \(node.address): no answer: \(node.reason)\n" }
        return out
    }

    /// `127.0.0.1:6379  valkey 9.1.2  master  user default  TLS`.
}
