/// Fits a backend address into a column without losing what identifies it: the port (and the end of
/// the host) stay, the start of the host gives way — `…ache-primary.internal:6379`.
package enum AddressText {
    package static func fit(_ address: String, width: Int) -> String {
        guard width > 0 else { return "" }
        guard CharacterWidth.of(address) > width else { return address }
        // A pool: keep as many whole servers as fit, then say how many more.
        if address.contains(",") {
            let servers = address.split(separator: ",").map(String.init)
            for count in stride(from: servers.count - 1, through: 1, by: -1) {
                let text = servers.prefix(count).joined(separator: ",") + ",+\(servers.count - count)"
                if CharacterWidth.of(text) <= width { return text }
            }
            return fit(servers[0], width: width)
        }
        guard let colon = address.lastIndex(of: ":"), !address.hasPrefix("/") else {
            return "…" + String(address.suffix(max(0, width - 1)))
        }
        let port = String(address[colon...])
        guard port.count < width else { return String(port.suffix(width)) }
        let hostRoom = width - port.count
        let host = String(address[..<colon])
        return hostRoom >= 2 ? "…" + String(host.suffix(hostRoom - 1)) + port : String(host.prefix(hostRoom)) + port
    }
}
