import Basics

/// What a traffic sample saw: per prefix group reads, hits, misses and writes over the sample's time, the
/// hottest keys and the keys missed again and again.
package struct TrafficReport: Sendable, Hashable, Codable, PrefixGroupTree {
    /// One prefix group (the same groups as ``KeyspaceReport/Group``).
    package struct Group: Sendable, Hashable, Codable, PrefixGroup {
        /// The keys' common start, ending at a delimiter; empty for the whole backend.
        package var prefix: [UInt8]
        /// 0 for the whole backend, 1 for top-level groups, and so on.
        package var depth: Int
        package var reads: Int
        /// Reads that found nothing; `nil` when the method cannot tell.
        package var misses: Int?
        package var writes: Int
        /// Sub-groups, busiest first.
        package var children: [Group]
        /// What the group is to Flask-Caching, when it is one route's keys or one memoized function's results.
        package var flask: FlaskCachingGroup?

        /// Reads that found their key; `nil` when misses are unknown.
        package var hits: Int? { misses.map { reads - $0 } }

        /// Hits per read (0–1); `nil` when misses are unknown or nothing was read.
        package var hitRatio: Double? {
            guard let hits, reads > 0 else { return nil }
            return Double(hits) / Double(reads)
        }
    }

    /// One of the most read keys.
    package struct HotKey: Sendable, Hashable, Codable {
        package var key: [UInt8]
        package var reads: Int
        /// Its fraction (0–1) of all reads.
        package var share: Double
        /// Its misses while it was watched; `nil` when the method cannot tell.
        package var misses: Int?

        package var hitRatio: Double? {
            guard let misses, reads > 0 else { return nil }
            return Double(max(0, reads - misses)) / Double(reads)
        }
    }

    /// A key missed again and again (a value never cached, or expiring too soon: the dogpile pattern).
    package struct MissStorm: Sendable, Hashable, Codable {
        package var key: [UInt8]
        package var misses: Int
    }

    package var method: TrafficMethod
    /// How long the sample ran.
    package var duration: Duration
    /// The whole backend (depth 0), its groups below it.
    package var root: Group
    /// The most read keys, most first.
    package var hotKeys: [HotKey]
    /// Keys missed at least ``MissStorm`` threshold times, most first.
    package var missStorms: [MissStorm]
    /// Events the streams carried, counted or not (a server that sends faster than we read skips some).
    package var eventsSeen: Int
    /// Events counted in the figures.
    package var eventsCounted: Int
    /// Lines that were not the stream's format, skipped.
    package var unreadableLines: Int
    /// What the figures cannot tell, in words (one line each).
    package var notes: [String]
    /// Why the sample ended early (a server closed the stream), when it did: the figures cover what came.
    package var partial: String?
    /// Nodes or servers whose traffic is missing, and why.
    package var missingNodes: [KeyspaceCensus.MissingNode]
    /// Settings changed for the sample that could not be put back: one loud line each, naming the server,
    /// the setting and the value to put back.
    package var settingsNotRestored: [String]
    /// Settings changed for the sample (and put back, unless named in ``settingsNotRestored``).
    package var settingsChanged: [SettingChange] = []

    /// Keys missed this often or more in a sample are a miss storm.
    package static let missStormThreshold = 3

    /// The fraction (0–1) of the events the figures count.
    package var sampledFraction: Double { eventsSeen > 0 ? Double(eventsCounted) / Double(eventsSeen) : 1 }

    /// Per second over the sample.
    package func rate(_ count: Int) -> Double {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds > 0 ? Double(count) / seconds : 0
    }
}
