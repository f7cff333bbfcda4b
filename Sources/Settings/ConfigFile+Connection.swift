import Basics
import CacheMonitor
import ConnectionSupport
import Dashboard
import Foundation
import Memcache
import RESP
import TOMLKit

// How a `[[backend]]` table says to connect: its `tls_*` fields and its bastion (`ssh`, `ssh_config`).
extension ConfigFile {
    /// The table's `tls_*` fields as settings, and the first one given (`nil` when none is).
    func tlsTable(_ entry: TOMLTable, line: (String) -> Int) throws -> (settings: TLSSettings, given: String?) {
        let tlsFields = ["tls_ca_file", "tls_cert_file", "tls_key_file", "tls_server_name"]
        var tlsOptions: [String: String] = [:]
        for field in tlsFields {
            guard let value = entry[field] else { continue }
            guard let text = value.string else { throw failure(line(field), "\(field) must be a string (in quotes)") }
            tlsOptions[field] = text
        }
        var skipVerify = false
        if let value = entry["tls_skip_verify"] {
            guard let flag = value.bool else { throw failure(line("tls_skip_verify"), "tls_skip_verify must be true or false") }
            skipVerify = flag
        }
        let given = tlsFields.first { tlsOptions[$0] != nil } ?? (entry["tls_skip_verify"] != nil ? "tls_skip_verify" : nil)
        let settings = TLSSettings(
            caFile: tlsOptions["tls_ca_file"], certificateFile: tlsOptions["tls_cert_file"], keyFile: tlsOptions["tls_key_file"],
            serverName: tlsOptions["tls_server_name"], verification: skipVerify ? .none : .full
        )
        return (settings, given)
    }

    /// `ssh = "HOST"` (with `ssh_config = "FILE"`): the tunnel the backend is reached through; `nil` without.
    func route(_ entry: TOMLTable, index: Int, lines: ConfigLines) throws -> ConnectionRoute? {
        func line(_ field: String) -> Int? { lines.line(ofField: field, inBackend: index) ?? lines.backendLine(index) }
        let configFile: String?
        if let value = entry["ssh_config"] {
            guard let text = value.string, !text.isEmpty else {
                throw failure(line("ssh_config"), "ssh_config must be the path of an ssh configuration file, in quotes")
            }
            configFile = Self.expandingHome(text)
        } else {
            configFile = nil
        }
        guard let value = entry["ssh"] else {
            if configFile != nil { throw failure(line("ssh_config"), "ssh_config goes with ssh = \"HOST\" (the bastion it configures)") }
            return nil
        }
        guard let text = value.string else {
            throw failure(line("ssh"), "ssh must be a destination in quotes: a Host alias, \"user@host\" or \"user@host:port\"")
        }
        do {
            _ = try SSHDestination(parsing: text)
        } catch let error as SSHDestinationError {
            throw failure(line("ssh"), error.message)
        }
        do {
            return try SSHTunnels.route(parsing: text, configFile: configFile)
        } catch let error as SSHDestinationError {
            throw failure(line("ssh_config"), error.message)
        }
    }

    /// `~/…` with the home directory, as a shell would.
    static func expandingHome(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        return NSString(string: path).expandingTildeInPath
    }
}
