import Basics

/// When a line fitted to the last hour says a figure reaches its limit: the expected time and a 95 % band
/// (the slope's standard error, twice, either way), all in seconds from the newest reading.
package struct ForecastETA: Sendable, Hashable {
    package var seconds: Double
    package var lowSeconds: Double
    /// `nil` when the slope's band reaches zero: it may never come.
    package var highSeconds: Double?
    /// How fast the figure grows, per hour.
    package var perHour: Double
}

/// What is about to go wrong, from a backend's ``TrendWindow``: memory reaching its limit (least squares over
/// the hour), evictions about to start, a hit ratio well below its own recent baseline.
package enum Forecasts {
    /// The time until memory reaches its limit by a least-squares line through the window's memory figures;
    /// `nil` without a limit, with fewer than 6 points over 2 minutes, or when memory does not clearly grow
    /// (its slope within twice its standard error of zero).
    package static func memoryFull(_ window: TrendWindow) -> ForecastETA? {
        let points = window.all.compactMap { point -> (x: Double, y: Double, limit: Double)? in
            guard let memory = point.memoryBytes, let limit = point.maxMemoryBytes, limit > 0 else { return nil }
            return (point.time, memory, limit)
        }
        guard points.count >= 6, let first = points.first, let last = points.last, last.x - first.x >= 120 else { return nil }
        guard let fit = LeastSquares(points.map { ($0.x - first.x, $0.y) }), fit.slope > 0, fit.slope > 2 * fit.slopeError else { return nil }
        let now = last.x - first.x
        let remaining = last.limit - fit.value(at: now)
        guard remaining > 0 else { return ForecastETA(seconds: 0, lowSeconds: 0, highSeconds: 0, perHour: fit.slope * 3_600) }
        let slow = fit.slope - 2 * fit.slopeError
        return ForecastETA(
            seconds: remaining / fit.slope, lowSeconds: remaining / (fit.slope + 2 * fit.slopeError), highSeconds: slow > 0 ? remaining / slow : nil,
            perHour: fit.slope * 3_600)
    }

    /// The hit ratio over the last minute against the window before it (its last two minutes left out), both
    /// weighted by reads; `nil` without enough reads in either (50 in the minute, 200 before, over 5 minutes).
    package static func hitRatioChange(_ window: TrendWindow) -> (recent: Double, baseline: Double, spread: Double)? {
        let points = window.all
        guard let last = points.last else { return nil }
        guard let minuteAgo = points.last(where: { last.time - $0.time >= 60 }) else { return nil }
        let recentReads = (last.hits + last.misses) - (minuteAgo.hits + minuteAgo.misses)
        guard recentReads >= 50 else { return nil }
        let recent = Double(last.hits - minuteAgo.hits) / Double(recentReads)
        let before = points.filter { last.time - $0.time >= 120 }
        guard let start = before.first, let end = before.last, end.time - start.time >= 300 else { return nil }
        let baseReads = (end.hits + end.misses) - (start.hits + start.misses)
        guard baseReads >= 200 else { return nil }
        let baseline = Double(end.hits - start.hits) / Double(baseReads)
        // How much the per-minute ratio moved before: a noisy cache needs a bigger drop to count.
        var ratios: [Double] = []
        var from = start
        for point in before where point.time - from.time >= 60 {
            let reads = (point.hits + point.misses) - (from.hits + from.misses)
            if reads >= 20 { ratios.append(Double(point.hits - from.hits) / Double(reads)) }
            from = point
        }
        let mean = ratios.isEmpty ? baseline : ratios.reduce(0, +) / Double(ratios.count)
        let spread = ratios.count < 2 ? 0 : (ratios.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(ratios.count - 1)).squareRoot()
        return (recent, baseline, spread)
    }

    /// The forecast rules that fire for a backend: `memory-forecast`, `evictions-soon`, `hit-ratio-drop`.
    /// - Parameter policy: Redis's `maxmemory-policy` when known (`noeviction` never evicts).
    package static func evaluate(_ window: TrendWindow, thresholds: AttentionThresholds, policy: String?, node: String? = nil) -> [Attention] {
        var found: [Attention] = []
        if let eta = memoryFull(window), eta.seconds <= thresholds.memoryForecastSeconds {
            let band = "(\(HumanUnits.eta(eta.lowSeconds)) – \(eta.highSeconds.map(HumanUnits.eta) ?? "never"))"
            let rate = "+\(HumanUnits.size(Int(eta.perHour.rounded())))/h"
            let evictions = window.all.map(\.evictions)
            let evictsNone = (evictions.last ?? 0) == (evictions.first ?? 0)
            // Within a minute of the limit a band says nothing more: the limit is reached.
            let when = eta.seconds < 60 ? "memory at its limit, still growing" : "memory full in ~\(HumanUnits.eta(eta.seconds)) \(band)"
            found.append(Attention(rule: .memoryForecast, message: "\(when) at \(rate)", node: node, eta: eta))
            if policy != "noeviction", evictsNone, eta.seconds <= thresholds.evictionsSoonSeconds {
                found.append(
                    Attention(
                        rule: .evictionsSoon,
                        message: eta.seconds < 60
                            ? "evictions start now: memory is at its limit at \(rate)"
                            : "evictions start in ~\(HumanUnits.eta(eta.seconds)) \(band): memory reaches its limit at \(rate)",
                        node: node, eta: eta))
            }
        }
        if let change = hitRatioChange(window), change.baseline - change.recent >= max(thresholds.hitRatioDrop, 3 * change.spread) {
            let points = Int(((change.baseline - change.recent) * 100).rounded())
            found.append(
                Attention(
                    rule: .hitRatioDrop,
                    message:
                        "hit ratio \(HumanUnits.ratio(change.recent)) over the last minute, \(HumanUnits.ratio(change.baseline)) before (-\(points) points)",
                    node: node))
        }
        return found
    }
}

/// An ordinary least-squares line through points, with the standard error of its slope.
struct LeastSquares {
    let slope: Double
    let intercept: Double
    let slopeError: Double

    init?(_ points: [(x: Double, y: Double)]) {
        let n = Double(points.count)
        guard points.count >= 3 else { return nil }
        let meanX = points.map(\.x).reduce(0, +) / n
        let meanY = points.map(\.y).reduce(0, +) / n
        let sxx = points.map { ($0.x - meanX) * ($0.x - meanX) }.reduce(0, +)
        guard sxx > 0 else { return nil }
        let sxy = points.map { ($0.x - meanX) * ($0.y - meanY) }.reduce(0, +)
        let slope = sxy / sxx
        let intercept = meanY - slope * meanX
        let variance =
            points.map { point in (point.y - (intercept + slope * point.x)) * (point.y - (intercept + slope * point.x)) }.reduce(0, +) / (n - 2)
        self.slope = slope
        self.intercept = intercept
        slopeError = (variance / sxx).squareRoot()
    }

    func value(at x: Double) -> Double { intercept + slope * x }
}
