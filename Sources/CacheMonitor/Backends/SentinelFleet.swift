import Basics
import RESP

/// Backends found instead of listed: for each Sentinel URL naming `*` (`redis+sentinel://h:p,h:p/*`), every
/// master its sentinels watch (`SENTINEL MASTERS`), one backend each, added to the poller as a master appears
/// and removed as it goes. Each discovered backend is the discovery's template (its credentials, TLS, route,
/// tags, key prefix) for that service, named after it.
package actor SentinelFleet<C: Clock> where C.Duration == Duration {
    private struct Discovery {
        let template: BackendDescriptor
        let resolver: SentinelResolver
        /// The backends found so far, by service.
        var found: [String: MonitoredBackend] = [:]
    }

    private let poller: Poller<C>
    private var discoveries: [Discovery]
    private var nextPosition: Int
    /// The names in use (configured backends and those found), lowercased.
    private var names: Set<String>

    /// - Parameters:
    ///   - templates: the catalog's discoveries.
    ///   - firstPosition: the number the first backend found gets (after every configured one).
    ///   - reservedNames: the configured backends' names, which a master found never takes.
    package init(templates: [BackendDescriptor], poller: Poller<C>, firstPosition: Int, reservedNames: [String]) {
        self.poller = poller
        discoveries = templates.compactMap { template in
            guard case .sentinel(let target) = template.endpoint else { return nil }
            return Discovery(template: template, resolver: SentinelResolver(target: target))
        }
        nextPosition = firstPosition
        names = Set(reservedNames.map { $0.lowercased() })
    }

    /// Whether there is anything to discover.
    package var isEmpty: Bool { discoveries.isEmpty }

    /// Asks every discovery's sentinels once (each within `timeout`) and adds the masters that appeared and
    /// removes those that went (their sources closed). Sentinels that do not answer leave their backends as
    /// they are.
    /// - Returns: a line per discovery whose sentinels did not answer.
    @discardableResult
    package func refresh(timeout: Duration = .seconds(2)) async -> [String] {
        var problems: [String] = []
        for index in discoveries.indices {
            let resolver = discoveries[index].resolver
            let services: [String]
            do {
                services = try await withDeadline(timeout, clock: ContinuousClock()) { try await resolver.masterNames() }
            } catch {
                problems.append("\(resolver.target): \(ErrorText.oneLine(error)); the masters found before are kept")
                continue
            }
            let known = discoveries[index].found
            var added: [MonitoredBackend] = []
            for service in services where known[service] == nil {
                let backend = backend(for: service, from: discoveries[index].template)
                discoveries[index].found[service] = backend
                added.append(backend)
            }
            let gone = Set(known.keys).subtracting(services)
            var removedIDs = Set<BackendID>()
            for service in gone {
                if let backend = discoveries[index].found.removeValue(forKey: service) {
                    removedIDs.insert(backend.id)
                    names.remove(backend.name.lowercased())
                }
            }
            if !added.isEmpty { await poller.add(added) }
            if !removedIDs.isEmpty {
                for backend in await poller.remove(removedIDs) { await backend.source.close() }
            }
        }
        return problems
    }

    /// Refreshes every `interval` (and once at once when `refreshingFirst`) until the task is cancelled,
    /// handing each refresh's problems (none: empty) to `report`.
    package func run(
        every interval: Duration, timeout: Duration = .seconds(2), refreshingFirst: Bool = false,
        report: @Sendable ([String]) async -> Void = { _ in }
    ) async {
        if refreshingFirst { await report(refresh(timeout: timeout)) }
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            await report(refresh(timeout: timeout))
        }
    }

    /// Closes the connections to the sentinels (the backends found are the poller's to close).
    package func close() async {
        for discovery in discoveries { await discovery.resolver.close() }
    }

    /// The backend of `service`, numbered after every backend so far.
    private func backend(for service: String, from template: BackendDescriptor) -> MonitoredBackend {
        let backend = template.discovered(service, taken: &names).monitored(id: BackendID(nextPosition))
        nextPosition += 1
        return backend
    }
}

extension SentinelFleet where C == ContinuousClock {
    /// The masters `templates`' sentinels watch now, asked once (for a command that names one backend).
    /// - Parameter taken: the names in use, lowercased; the masters' names are added.
    package static func masters(
        of templates: [BackendDescriptor], timeout: Duration = .seconds(2), taken: inout Set<String>
    ) async
        -> [BackendDescriptor]
    {
        var found: [BackendDescriptor] = []
        for template in templates {
            guard case .sentinel(let target) = template.endpoint else { continue }
            let resolver = SentinelResolver(target: target)
            let services = (try? await withDeadline(timeout, clock: ContinuousClock()) { try await resolver.masterNames() }) ?? []
            await resolver.close()
            for service in services { found.append(template.discovered(service, taken: &taken)) }
        }
        return found
    }
}

extension BackendDescriptor {
    /// This discovery template for the master named `service`: its sentinels, credentials, tags and key layout
    /// for that master, named after it — or, when that name is taken, after the discovery and it.
    /// - Parameter taken: the names in use, lowercased; the new name is added.
    package func discovered(_ service: String, taken: inout Set<String>) -> BackendDescriptor {
        var descriptor = self
        if case .sentinel(let target) = endpoint { descriptor.endpoint = .sentinel(target.naming(service)) }
        var name = taken.contains(service.lowercased()) ? "\(self.name)-\(service)" : service
        var suffix = 2
        while taken.contains(name.lowercased()) {
            name = "\(service)-\(suffix)"
            suffix += 1
        }
        taken.insert(name.lowercased())
        descriptor.name = name
        descriptor.isNamed = true
        return descriptor
    }
}
