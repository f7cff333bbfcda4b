extension MemcachedClient {
    /// The nodes a configuration endpoint lists (`config get cluster`, ElastiCache's auto discovery): each
    /// node by its host name (its IP address when the name is empty) and port, with this client's access
    /// (TLS, login, route).
    /// - Throws: ``MemcachedError`` — `.unknownCommand` when the server is no configuration endpoint,
    ///   `.protocolViolation` for a list that cannot be read.
    public func clusterNodes() async throws -> [MemcachedAddress] {
        let reply = try await send([.clusterConfig]).first
        if let error = reply?.error {
            throw MemcachedError(
                error.code == .unknownCommand ? .unknownCommand : error.code,
                "\(address) is not a configuration endpoint (its answer to 'config get cluster': \(error.message))")
        }
        guard let item = reply?.items.first else {
            throw MemcachedError(.protocolViolation, "\(address) answered 'config get cluster' with no configuration")
        }
        return try Self.parseClusterConfig(item.value, access: address.access, peer: address.description)
    }

    /// `<version>\n<host|ip|port> <host|ip|port>…\n`.
    static func parseClusterConfig(_ bytes: [UInt8], access: MemcachedAccess, peer: String) throws -> [MemcachedAddress] {
        let lines = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
        guard lines.count >= 2, Int(lines[0].trimmingWhitespace()) != nil else {
            throw MemcachedError(.protocolViolation, "\(peer): the cluster configuration is not '<version>' and a node list")
        }
        var nodes: [MemcachedAddress] = []
        for entry in lines[1].split(separator: " ") {
            let parts = entry.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 3, let port = Int(parts[2]), (1...65535).contains(port), !(parts[0].isEmpty && parts[1].isEmpty) else {
                throw MemcachedError(.protocolViolation, "\(peer): the cluster configuration lists a node as '\(entry)', not host|ip|port")
            }
            var node = MemcachedAddress(host: String(parts[0].isEmpty ? parts[1] : parts[0]), port: port)
            node.access = access
            if !nodes.contains(node) { nodes.append(node) }
        }
        return nodes
    }
}
