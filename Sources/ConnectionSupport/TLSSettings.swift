import Basics
import Foundation
import NIOCore
import NIOSSL

/// How to speak TLS to a server (swift-nio-ssl): which CA to trust, which certificate to present, which
/// name to expect — and, only when asked in so many words, no verification at all (test setups).
public struct TLSSettings: Sendable, Hashable {
    /// A PEM file of the CA certificate(s) that signed the server's certificate; `nil`: the system's roots.
    public var caFile: String?
    /// A PEM client certificate (chain) to present, for servers that ask for one (`tls-auth-clients yes`).
    public var certificateFile: String?
    /// The PEM private key of ``certificateFile``.
    public var keyFile: String?
    /// The name the server's certificate must carry (and the SNI sent); `nil`: the host connected to (an IP
    /// address is checked against the certificate's IP addresses).
    public var serverName: String?
    /// How much of the server's certificate is checked.
    public var verification: Verification

    /// How much of the server's certificate is checked.
    public enum Verification: String, Sendable, Hashable {
        /// Signed by a trusted CA and issued for the name connected to (the default).
        case full
        /// Signed by a trusted CA, whatever name it carries.
        case caOnly
        /// Nothing: any certificate from anyone — encrypted, but not authenticated. For test setups only.
        case none
    }

    public init(
        caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, serverName: String? = nil, verification: Verification = .full
    ) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.serverName = serverName
        self.verification = verification
    }

    /// These settings, with what they leave unset taken from `defaults` (command-line flags or a config
    /// table under a URL's own options); verification is switched off when `defaults` switch it off.
    public func filled(from defaults: TLSSettings) -> TLSSettings {
        var filled = self
        filled.caFile = caFile ?? defaults.caFile
        filled.certificateFile = certificateFile ?? defaults.certificateFile
        filled.keyFile = keyFile ?? defaults.keyFile
        filled.serverName = serverName ?? defaults.serverName
        if defaults.verification == .none { filled.verification = .none }
        return filled
    }

    /// The context connections use: the files read and checked now.
    /// - Throws: ``TLSSettingsError`` naming the file and what is wrong with it (one line).
    public func makeContext() throws -> NIOSSLContext {
        for (what, path) in [("CA file", caFile), ("client certificate", certificateFile), ("client key", keyFile)] {
            guard let path else { continue }
            guard FileManager.default.fileExists(atPath: path) else { throw TLSSettingsError("the \(what) \(path) does not exist") }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw TLSSettingsError("the \(what) \(path) cannot be read (permission denied)")
            }
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch verification {
        case .full: configuration.certificateVerification = .fullVerification
        case .caOnly: configuration.certificateVerification = .noHostnameVerification
        case .none: configuration.certificateVerification = .none
        }
        if let caFile {
            do {
                let roots = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !roots.isEmpty else { throw TLSSettingsError("the CA file \(caFile) holds no PEM certificate") }
                configuration.trustRoots = .certificates(roots)
            } catch let error as TLSSettingsError {
                throw error
            } catch {
                throw TLSSettingsError("cannot read the CA file \(caFile): \(Self.reason(error))")
            }
        }
        switch (certificateFile, keyFile) {
        case (nil, nil):
            break
        case (let certificateFile?, let keyFile?):
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            } catch {
                throw TLSSettingsError("cannot read the client certificate \(certificateFile): \(Self.reason(error))")
            }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw TLSSettingsError("cannot read the client key \(keyFile): \(Self.reason(error))")
            }
        case (_?, nil):
            throw TLSSettingsError("a client certificate needs its key file too")
        case (nil, _?):
            throw TLSSettingsError("a client key needs its certificate file too")
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSettingsError("cannot set up TLS: \(Self.reason(error))")
        }
    }

    /// The SNI name for a connection to `host`: ``serverName``, else the host unless it is an IP address
    /// (then the certificate is checked against the address connected to).
    func sniName(forHost host: String) -> String? {
        if let serverName { return serverName }
        return Self.isIPAddress(host) ? nil : host
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    /// What a swift-nio-ssl error means, for people.
    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("No such file") || text.contains("ENOENT") || text.contains("errno: 2") { return "no such file" }
        if text.contains("Permission denied") || text.contains("EACCES") { return "permission denied" }
        if text.contains("PEM") || text.contains("failedToLoadCertificate") || text.contains("failedToLoadPrivateKey") { return "not a PEM file" }
        return ErrorText.oneLine(error)
    }
}

/// TLS settings that cannot be used: one line naming the file.
public struct TLSSettingsError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
