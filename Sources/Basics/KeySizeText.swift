/// A power-of-two size bucket as people read it: `512B–1K` (bytes), `4–7 items`.
public enum KeySizeText {
    /// The bucket that starts at `lowerBound`: `0` alone, else up to just below twice it.
    public static func bucket(_ lowerBound: Int64, unit: some RawRepresentable<String>) -> String {
        let bytes = unit.rawValue == "bytes"
        guard lowerBound > 0 else { return bytes ? "0B" : "0 items" }
        if bytes { return "\(HumanUnits.size(Int(clamping: lowerBound)))–\(HumanUnits.size(Int(clamping: lowerBound * 2)))" }
        return lowerBound == 1 ? "1 item" : "\(lowerBound)–\(lowerBound * 2 - 1) items"
    }
}
