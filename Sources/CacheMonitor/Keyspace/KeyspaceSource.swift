/// Port of the keyspace insights (`i`, `cachescope analyze`): a backend whose keys can be read for an
/// analysis, in full or as a fair sample.
package protocol KeyspaceSource: CacheSource {
    /// Reads keys for a keyspace analysis — every key, or about `limit` of them (a fair sample) where reading
    /// all would take long — handing them to `body` a batch at a time (memory stays flat); `progress` sees how
    /// many were read and returns `false` to stop. The lookups this causes are counted as own reads.
    /// - Returns: how many keys the backend holds (what a sample is scaled to), and what is known.
    func sampleKeyspace(limit: Int?, body: ([SampledKey]) -> Void, progress: (Int) -> Bool) async throws -> KeyspaceCensus
}
