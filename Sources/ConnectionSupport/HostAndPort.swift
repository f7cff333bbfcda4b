/// How every address is written: `host:port`, an IPv6 host in brackets (`[::1]:6379`).
public enum HostAndPort {
    /// `host:port`, or `[host]:port` when the host holds a colon.
    public static func text(host: String, port: Int) -> String {
        host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
