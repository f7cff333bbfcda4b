import Basics
import CacheMonitor
import ConnectionSupport
import Dashboard
import Foundation
import Memcache
import RESP
import TOMLKit

// A `[[backend]]` table read into a backend: its type, addresses, credentials and key layout.
extension ConfigFile {
    /// The `index`th `[[backend]]` table as a backend, every mistake one line naming its field.
    func backend(_ entry: TOMLTable, index: Int, lines: ConfigLines, environment: [String: String]) throws -> BackendDescriptor {
        func line(_ field: String) -> Int { lines.line(ofField: field, inBackend: index) ?? lines.backendLine(index) ?? 0 }
        func string(_ field: String) throws -> String? {
            guard let value = entry[field] else { return nil }
            guard let text = value.string else { throw failure(line(field), "\(field) must be a string (in quotes)") }
            return text
        }
        for key in entry.keys where !Self.backendFields.contains(key) {
            throw failure(line(key), "unknown field '\(key)' in [[backend]]; expected \(Self.backendFields.joined(separator: ", "))")
        }
        let name = try string("name")
        if let name, name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
            throw failure(line("name"), "name '\(name)' may use only letters, digits, '-', '_' and '.'")
        }
        guard let typeText = try string("type") else {
            throw failure(lines.backendLine(index) ?? 0, "[[backend]] needs a type: redis, redis-cluster or memcached")
        }
        let kind: BackendKind
        let isCluster = ["redis-cluster", "redisclustercache", "redis_cluster"].contains(typeText.lowercased())
        let isSentinel = ["redis-sentinel", "redissentinelcache", "redis_sentinel"].contains(typeText.lowercased())
        switch typeText.lowercased() {
        case "redis", "rediscache", "redis-sentinel", "redissentinelcache", "redis_sentinel": kind = .redis
        case "redis-cluster", "redisclustercache", "redis_cluster": kind = .redisCluster
        case "memcached", "memcachedcache", "memcached-discovery": kind = .memcached
        default:
            throw failure(
                line("type"),
                "unknown type '\(typeText)'; expected redis, redis-cluster, redis-sentinel, memcached or memcached-discovery (RedisCache and "
                    + "MemcachedCache work too)")
        }
        for field in ["sentinels", "service", "sentinel_password_env", "database"] where !isSentinel && entry[field] != nil {
            throw failure(line(field), "\(field) is for type = \"redis-sentinel\"")
        }
        let keyPrefix = try string("key_prefix")
        let passwordVariable = try string("password_env")
        var password: String?
        if let passwordVariable {
            guard let value = environment[passwordVariable] else {
                throw failure(line("password_env"), "the environment variable \(passwordVariable) (password_env) is not set")
            }
            password = value
        }
        var passwordCommand: PasswordCommand?
        if let command = try string("password_command") {
            guard passwordVariable == nil else {
                throw failure(line("password_command"), "give password_env or password_command, not both")
            }
            guard !command.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw failure(line("password_command"), "password_command is empty: give the command that prints the password")
            }
            passwordCommand = PasswordCommand(command)
        }
        let username = try string("username")
        if let username, username.isEmpty || username.contains(where: { $0.isWhitespace }) {
            throw failure(line("username"), "username must be a name without spaces")
        }
        if entry["tls"] != nil, kind != .memcached {
            throw failure(line("tls"), "tls = true is for memcached; a Redis backend says TLS with rediss:// in its url")
        }
        if isSentinel {
            var backend = try sentinelBackend(entry, name: name, password: password, keyPrefix: keyPrefix, line: line, environment: environment)
            if case .sentinel(var target) = backend.endpoint {
                target.dataNode.passwordCommand = passwordCommand
                if let username { target.dataNode.username = username }
                backend.endpoint = .sentinel(target)
            }
            return backend
        }
        switch kind {
        case .redis, .redisCluster:
            guard entry["servers"] == nil else { throw failure(line("servers"), "servers is for memcached; a Redis backend takes url") }
            var urlTexts: [String] = []
            if let value = entry["url"] {
                if let text = value.string {
                    urlTexts = [text]
                } else if isCluster, let array = value.array, array.count > 0, (0..<array.count).allSatisfy({ array[$0].string != nil }) {
                    urlTexts = (0..<array.count).compactMap { array[$0].string }
                } else {
                    throw failure(
                        line("url"),
                        isCluster
                            ? "url must be \"redis://host:port\" or a list of seed URLs" : "url must be a string such as \"redis://host:port/db\"")
                }
            }
            guard !urlTexts.isEmpty else {
                throw failure(
                    lines.backendLine(index) ?? 0,
                    isCluster
                        ? "a Redis Cluster backend needs url = \"redis://host:port\" (or a list of seed URLs)"
                        : "a Redis backend needs url = \"redis://host:port/db\"")
            }
            let (tableTLS, tlsGiven) = try tlsTable(entry, line: line)
            var urls: [RedisURL] = []
            for text in urlTexts {
                do {
                    var url = try RedisURL(parsing: text)
                    if let password { url.password = password }
                    if let username { url.username = username }
                    url.passwordCommand = passwordCommand
                    if let tls = url.tls {
                        url.tls = tls.filled(from: tableTLS)
                    } else if let tlsGiven {
                        throw failure(line(tlsGiven), "\(tlsGiven) is for TLS connections: write the url as rediss://")
                    }
                    if isCluster, url.database != 0 {
                        throw failure(line("url"), "url: a Redis Cluster has only database 0 (drop /\(url.database) from \(url))")
                    }
                    if isCluster, case .unix = url.address {
                        throw failure(line("url"), "url: a Redis Cluster is reached over TCP, not a Unix socket")
                    }
                    urls.append(url)
                } catch let error as RedisError {
                    throw failure(line("url"), "url: \(error.message)")
                }
            }
            if isCluster {
                do {
                    return BackendDescriptor(name: name, endpoint: .cluster(try ClusterSeeds(urls)), keyPrefix: keyPrefix)
                } catch let error as RedisError {
                    throw failure(line("url"), "url: \(error.message)")
                }
            }
            return BackendDescriptor(name: name, endpoint: .redis(urls[0]), keyPrefix: keyPrefix)
        case .memcached:
            let secret = password.map(PasswordSource.fixed) ?? passwordCommand.map(PasswordSource.command)
            if secret != nil, username == nil {
                throw failure(
                    line(passwordVariable != nil ? "password_env" : "password_command"),
                    "memcached's login (memcached -Y) needs username too")
            }
            if username != nil, secret == nil {
                throw failure(line("username"), "memcached's login (memcached -Y) needs password_env or password_command too")
            }
            let serversText: String
            if let value = entry["servers"] {
                if let text = value.string {
                    serversText = text
                } else if let array = value.array, array.count > 0, let parts = Optional((0..<array.count).compactMap { array[$0].string }),
                    parts.count == array.count
                {
                    serversText = parts.joined(separator: ",")
                } else {
                    throw failure(line("servers"), "servers must be \"host:port\" or a list such as [\"host:11211\", \"host2:11211\"]")
                }
            } else if let url = try string("url") {
                serversText = url
            } else {
                throw failure(lines.backendLine(index) ?? 0, "a memcached backend needs servers = [\"host:11211\"]")
            }
            var servers: MemcachedServers
            do {
                servers = try MemcachedServers(parsing: serversText)
            } catch let error as MemcachedError {
                throw failure(line(entry["servers"] != nil ? "servers" : "url"), error.message)
            }
            let tableTLS = try tlsTable(entry, line: line)
            var tlsOn = servers.addresses.contains { $0.access.tls != nil }
            if let value = entry["tls"] {
                guard let flag = value.bool else { throw failure(line("tls"), "tls must be true or false") }
                if !flag && tlsOn { throw failure(line("tls"), "tls = false, but the servers are written memcacheds://") }
                tlsOn = flag
            }
            if !tlsOn, let given = tableTLS.given {
                throw failure(line(given), "\(given) is for TLS connections: add tls = true (or write the servers memcacheds://host:port)")
            }
            servers = servers.with { access in
                if tlsOn { access.tls = (access.tls ?? TLSSettings()).filled(from: tableTLS.settings) }
                if let username, let secret { access.credentials = MemcachedCredentials(username: username, password: secret) }
            }
            if typeText.lowercased() == "memcached-discovery" {
                guard servers.addresses.count == 1 else {
                    throw failure(
                        line(entry["servers"] != nil ? "servers" : "url"),
                        "a memcached-discovery backend takes its one configuration endpoint (host:port), not a list of nodes")
                }
                return BackendDescriptor(
                    name: name, endpoint: .memcachedDiscovery(MemcachedDiscovery(endpoint: servers.addresses[0])), keyPrefix: keyPrefix)
            }
            return BackendDescriptor(name: name, endpoint: .memcached(servers), keyPrefix: keyPrefix)
        case .inProcess:
            throw failure(line("type"), "in-process caches are the demo's own; they need no [[backend]] table")
        }
    }

    /// `type = "redis-sentinel"`: `sentinels = ["host:26379", …]`, `service = "mymaster"`, and optionally
    /// `database`, `password_env` (the data nodes') and `sentinel_password_env` (the sentinels').
    func sentinelBackend(
        _ entry: TOMLTable, name: String?, password: String?, keyPrefix: String?, line: (String) -> Int, environment: [String: String]
    ) throws -> BackendDescriptor {
        guard entry["url"] == nil, entry["servers"] == nil else {
            throw failure(line(entry["url"] != nil ? "url" : "servers"), "a redis-sentinel backend takes sentinels and service, not url or servers")
        }
        guard let list = entry["sentinels"]?.array, list.count > 0, (0..<list.count).allSatisfy({ list[$0].string != nil }) else {
            throw failure(line("sentinels"), "sentinels must be a list such as [\"10.0.0.1:26379\", \"10.0.0.2:26379\"]")
        }
        guard let service = entry["service"]?.string, !service.isEmpty, !service.contains("/") else {
            throw failure(line("service"), "service must name the master the sentinels watch, such as \"mymaster\"")
        }
        var database = 0
        if let value = entry["database"] {
            guard let number = value.int, number >= 0 else { throw failure(line("database"), "database must be a number from 0") }
            database = number
        }
        var sentinelPassword: String?
        if let variable = entry["sentinel_password_env"]?.string {
            guard let value = environment[variable] else {
                throw failure(line("sentinel_password_env"), "the environment variable \(variable) (sentinel_password_env) is not set")
            }
            sentinelPassword = value
        }
        let hosts = (0..<list.count).compactMap { list[$0].string }
        var target: RedisSentinelTarget
        do {
            target = try RedisSentinelTarget(parsing: "redis+sentinel://\(hosts.joined(separator: ","))/\(service)/\(database)")
        } catch let error as RedisError {
            throw failure(line("sentinels"), "sentinels: \(error.message)")
        }
        target.dataNode.password = password
        for index in target.sentinels.indices { target.sentinels[index].password = sentinelPassword }
        return BackendDescriptor(name: name, endpoint: .sentinel(target), keyPrefix: keyPrefix)
    }

    /// `delimiters = ":/"`: where the backend's keys are split into groups (the standard ones when not set).
    func delimiters(_ entry: TOMLTable, index: Int, lines: ConfigLines) throws -> KeyDelimiters {
        guard let value = entry["delimiters"] else { return .standard }
        let line = lines.line(ofField: "delimiters", inBackend: index) ?? lines.backendLine(index)
        guard let text = value.string else { throw failure(line, "delimiters must be a string of characters, such as \":/\"") }
        do {
            return try KeyDelimiters(text)
        } catch let error as MonitorError {
            throw failure(line, "delimiters: \(error.description)")
        }
    }
}

extension ConfigFile {
    /// The table's `tags = ["prod", "eu"]`, each once.
    func tags(_ entry: TOMLTable, index: Int, lines: ConfigLines) throws -> [BackendTag] {
        guard let value = entry["tags"] else { return [] }
        let line = lines.line(ofField: "tags", inBackend: index) ?? lines.backendLine(index)
        let expected = "tags must be a list of words in quotes, such as [\"prod\", \"eu-west-1\"] (\(BackendTag.allowedText))"
        guard let array = value.array else { throw failure(line, expected) }
        var tags: [BackendTag] = []
        for position in 0..<array.count {
            guard let text = array[position].string else { throw failure(line, expected) }
            guard let tag = BackendTag(text) else { throw failure(line, "tag '\(text)': \(expected)") }
            if !tags.contains(tag) { tags.append(tag) }
        }
        return tags
    }
}
