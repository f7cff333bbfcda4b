import ArgumentParser
import CacheMonitor

/// The connection flags every command (and the root) accepts.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .customLong("redis"),
        help: ArgumentHelp("A Redis server, redis://[[user]:password@]host[:port][/db] (repeatable).", valueName: "url")
    )
    var redis: [String] = []

    @Flag(name: .customLong("read-only"), help: "Refuse everything that deletes or changes data (exit 3).")
    var readOnly = false

    /// The backends given, named and ordered.
    func catalog() throws -> BackendCatalog {
        do {
            return try BackendCatalog(redisURLs: redis)
        } catch let error as BackendCatalogError {
            throw CommandFailure(.usage, error.message)
        }
    }

    /// The backend a command names (or the only one).
    func backend(_ name: String?) throws -> BackendDescriptor {
        do {
            return try catalog().select(name)
        } catch let error as BackendCatalogError {
            throw CommandFailure(.usage, error.message)
        }
    }

    /// The monitoring source for a Redis backend.
    func redisSource(_ name: String?) throws -> RedisSource {
        let descriptor = try backend(name)
        guard let url = descriptor.redisURL else { throw CommandFailure(.usage, "\(descriptor.name) is not a Redis backend") }
        return RedisSource(name: descriptor.name, url: url)
    }
}
