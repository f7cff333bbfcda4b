/// What the sentinels say about a service besides its master: its replicas, the other sentinels, and whether
/// a failover could be agreed on.
public struct SentinelTopology: Sendable, Hashable {
    /// A replica or a sentinel as the sentinels list it.
    public struct Member: Sendable, Hashable {
        public var address: String
        /// `slave`, `sentinel`, `s_down`, `o_down`, `disconnected`, … comma-separated.
        public var flags: String

        /// Whether the sentinels consider it reachable.
        public var isUp: Bool {
            !flags.split(separator: ",").contains { ["s_down", "o_down", "disconnected"].contains($0) }
        }
    }

    public var replicas: [Member]
    /// The other sentinels (the one that answered is ``answeredBy``).
    public var sentinels: [Member]
    public var answeredBy: String
    /// `SENTINEL CKQUORUM`'s answer: `OK 3 usable Sentinels…`, or why a quorum cannot be reached.
    public var quorum: String?

    /// Whether a failover could be authorised now.
    public var hasQuorum: Bool { quorum?.hasPrefix("OK") ?? false }
}
