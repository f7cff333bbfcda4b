import NIOCore

extension TimeAmount {
    /// `5s`, `0.25s`.
    public var secondsText: String {
        let value = Double(nanoseconds) / 1e9
        return value == value.rounded() ? "\(Int64(value))s" : "\((value * 1000).rounded() / 1000)s"
    }
}
