/// Sizes written as text in settings: `100MB`, `512K`, `1.5GB`, `2048` (bytes) — powers of 1024, as
/// ``HumanUnits/size(_:)`` writes them.
public enum ByteSizeText {
    /// The bytes `text` names, or `nil` when it is not a size.
    public static func parse(_ text: String) -> Int64? {
        var number = text.trimmingCharacters(in: " ").uppercased()
        if number.hasSuffix("IB") { number.removeLast(2) } else if number.hasSuffix("B") { number.removeLast() }
        var scale: Double = 1
        if let unit = number.last, let power = ["K": 1, "M": 2, "G": 3, "T": 4][unit] {
            scale = (0..<power).reduce(1) { value, _ in value * 1024 }
            number.removeLast()
        }
        guard let value = Double(number.trimmingCharacters(in: " ")), value >= 0, value.isFinite, value * scale < 9e18 else { return nil }
        return Int64((value * scale).rounded())
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}
