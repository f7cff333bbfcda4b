import CacheMonitor
import Foundation
import Memcache
import RESP

/// What `/scrape?target=…` names: one of the configured backends — by name, by `host:port` (a pool's or
/// cluster's whole address, or any one of its servers) or by URL (`redis://host:port/0`, `rediss://…`,
/// `memcached://host:port`) — or, only with `serve --scrape-any-target`, any Redis or memcached server.
enum ScrapeTarget {
    case configured(BackendID)
    case other(MonitoredBackend)

    enum Failure: Error {
        case missing
        case unknown(String)
        case invalid(String)

        var message: String {
            switch self {
            case .missing: "give the backend to read: /scrape?target=NAME, HOST:PORT or a redis:// or memcached:// URL"
            case .unknown(let target):
                "target '\(target)' is not a configured backend (by name, host:port or URL); cachescope serve --scrape-any-target allows any server"
            case .invalid(let reason): reason
            }
        }
    }

    /// Resolves `text` among `backends`.
    static func resolve(_ text: String?, among backends: [MonitoredBackend], allowAny: Bool) throws(Failure) -> ScrapeTarget {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { throw .missing }
        if let named = backends.first(where: { $0.name.lowercased() == text.lowercased() }) { return .configured(named.id) }
        let address = hostAndPort(text)
        if let address {
            let matches = backends.indices.filter { index in
                let whole = backends[index].address
                return whole == address || whole.split(separator: ",").contains { $0 == address }
            }
            if let only = matches.first { return .configured(backends[only].id) }
        }
        guard allowAny else { throw .unknown(text) }
        return .other(try adHoc(text))
    }

    /// `host:port` of a target written as an address or a URL (credentials and database left out).
    static func hostAndPort(_ text: String) -> String? {
        let lowered = text.lowercased()
        if lowered.hasPrefix("memcached://") || lowered.hasPrefix("memcacheds://") {
            return (try? MemcachedAddress(parsing: text))?.description
        }
        if lowered.hasPrefix("redis://") || lowered.hasPrefix("rediss://") {
            return (try? RedisURL(parsing: text))?.hostAndPort
        }
        return (try? RedisURL(parsing: "redis://" + text))?.hostAndPort
    }

    /// A backend for a server that is not configured: `memcached://host:port` is memcached, anything else
    /// Redis (a bare `host:port` too, as redis_exporter reads it).
    private static func adHoc(_ text: String) throws(Failure) -> MonitoredBackend {
        let endpoint: BackendEndpoint
        do {
            let lowered = text.lowercased()
            if lowered.hasPrefix("memcached://") || lowered.hasPrefix("memcacheds://") {
                endpoint = .memcached(try MemcachedServers(parsing: text))
            } else {
                endpoint = .redis(try RedisURL(parsing: text.contains("://") ? text : "redis://" + text))
            }
        } catch let error as RedisError {
            throw .invalid("target '\(text)': \(error.message)")
        } catch let error as MemcachedError {
            throw .invalid("target '\(text)': \(error.message)")
        } catch {
            throw .invalid("target '\(text)': \(error)")
        }
        let name = hostAndPort(text) ?? text
        return BackendDescriptor(name: name, endpoint: endpoint).monitored(id: BackendID(Int.max / 2))
    }
}
