import Basics
import RESP

/// Which function each Flask-Caching memoize version belongs to. A result's key carries only its function's
/// version; the function's version key (`<key prefix><module.qualname>_memver`) holds that version, so
/// reading the version keys names the functions.
package struct MemoizedFunctions: Sendable, Hashable {
    /// Function (`module.qualname`) by version.
    package var byVersion: [[UInt8]: String]
    /// Whether every version key was read: a version none of them holds is then stale (its results are
    /// unreachable).
    package var complete: Bool

    package init(byVersion: [[UInt8]: String], complete: Bool) {
        self.byVersion = byVersion
        self.complete = complete
    }

    /// At most this many version keys are read.
    static let maxVersionKeys = 2_000

    /// Reads the version keys that name `versions`: those met while reading the keys (`versionKeys`) and,
    /// unless the whole keyspace was read, the others found by listing `<keyPrefix>*_memver` — only when a
    /// version is still unnamed.
    /// A failure (an ACL that denies reading values…) leaves the rest unnamed, as does a stop.
    /// - Parameter shouldStop: asked between keys.
    package static func read(
        versions: [[UInt8]], versionKeys: Set<[UInt8]>, keyPrefix: [UInt8], wholeKeyspace: Bool, on source: (any KeyBrowsingSource)?,
        shouldStop: () -> Bool
    ) async -> MemoizedFunctions {
        guard let source else {
            // Version keys cannot be read: the functions stay unknown (never called stale).
            return MemoizedFunctions(byVersion: [:], complete: versions.isEmpty)
        }
        var functions = MemoizedFunctions(byVersion: [:], complete: true)
        do {
            try await read(
                versions: versions, versionKeys: versionKeys, keyPrefix: keyPrefix, wholeKeyspace: wholeKeyspace, on: source, into: &functions,
                shouldStop: shouldStop)
        } catch {
            functions.complete = false
        }
        return functions
    }

    private static func read(
        versions: [[UInt8]], versionKeys: Set<[UInt8]>, keyPrefix: [UInt8], wholeKeyspace: Bool, on source: any KeyBrowsingSource,
        into functions: inout MemoizedFunctions, shouldStop: () -> Bool
    ) async throws {
        guard !versions.isEmpty else { return }
        let wanted = Set(versions)
        var read: Set<[UInt8]> = []
        func name(from keys: some Sequence<[UInt8]>) async throws {
            for key in keys where !read.contains(key) {
                guard !shouldStop(), read.count < maxVersionKeys else {
                    functions.complete = false
                    return
                }
                read.insert(key)
                guard let function = FlaskCachingKeyParts.memoizedFunction(of: key, keyPrefix: keyPrefix)?.function,
                    let value = try await source.firstBytes(of: BrowsedKey(key: key, type: "string", ttlMilliseconds: nil, size: nil), maxBytes: 64),
                    let version = FlaskCachingActions.versionToken(value.bytes)
                else { continue }
                let token = Array(version.utf8)
                if wanted.contains(token) { functions.byVersion[token] = function }
            }
        }
        try await name(from: versionKeys.sorted { $0.lexicographicallyPrecedes($1) })
        guard !wholeKeyspace, functions.byVersion.count < wanted.count, functions.complete else { return }
        // Sampled: the version keys of the other functions were likely not among the keys read.
        var listed: [[UInt8]] = []
        let more = try await source.browseKeys(
            matching: .glob(RedisGlob.matchingPrefix(keyPrefix) + Array("_memver".utf8)), limit: maxVersionKeys
        ) { batch in
            listed += batch.map(\.key)
            return !shouldStop()
        }
        if more || shouldStop() { functions.complete = false }
        try await name(from: listed)
    }
}

extension MemoizedFunctions {
    /// Figures kept per memoize version, grouped by function: one group per function named, the rest (and
    /// `overflow`, the versions that did not fit) as results of versions no version key holds (stale) — or,
    /// when not every version key could be read, of unknown functions.
    static func groups<Figures: Emptiable>(
        _ byVersion: [[UInt8]: Figures], overflow: Figures, keyPrefix: [UInt8], functions: MemoizedFunctions?,
        merge: (inout Figures, Figures) -> Void
    ) -> [(FlaskCachingGroup, Figures)] {
        var byFunction: [String: Figures] = [:]
        var unnamed = overflow
        for (version, figures) in byVersion {
            if let name = functions?.byVersion[version] {
                merge(&byFunction[name, default: Figures()], figures)
            } else {
                merge(&unnamed, figures)
            }
        }
        var groups = byFunction.map { (FlaskCachingGroup.memoized(function: $0.key, keyPrefix: keyPrefix), $0.value) }
        if !unnamed.isEmpty {
            let stale = functions?.complete == true && overflow.isEmpty
            groups.append((stale ? .staleMemoized(keyPrefix: keyPrefix) : .memoized(function: nil, keyPrefix: keyPrefix), unnamed))
        }
        return groups
    }
}

/// Figures that start empty and say whether they still are.
protocol Emptiable {
    init()
    var isEmpty: Bool { get }
}
