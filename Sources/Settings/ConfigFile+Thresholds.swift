import Basics
import CacheMonitor
import ConnectionSupport
import Dashboard
import Foundation
import Memcache
import RESP
import TOMLKit

// The `[thresholds]` table: when the dashboard colours figures and raises attention.
extension ConfigFile {
    /// Reads `[thresholds]` over the defaults.
    mutating func readThresholds(_ value: any TOMLValueConvertible, lines: ConfigLines) throws {
        guard let entry = value.table else {
            throw failure(lines.line(ofField: "thresholds", inBackend: nil), "thresholds must be a table written [thresholds]")
        }
        func line(_ field: String) -> Int? { lines.line(ofField: field, inTable: "thresholds") }
        for key in entry.keys where !Self.thresholdFields.contains(key) {
            throw failure(line(key), "unknown field '\(key)' in [thresholds]; expected \(Self.thresholdFields.joined(separator: ", "))")
        }
        func fraction(_ field: String) throws -> Double? {
            guard let value = entry[field] else { return nil }
            guard let number = value.double ?? value.int.map(Double.init), (0...1).contains(number) else {
                throw failure(line(field), "\(field) must be a fraction from 0 to 1, such as 0.8")
            }
            return number
        }
        thresholds.hitRatioWarning = try fraction("hit_ratio_warning") ?? thresholds.hitRatioWarning
        thresholds.hitRatioCritical = try fraction("hit_ratio_critical") ?? thresholds.hitRatioCritical
        thresholds.memoryWarning = try fraction("memory_warning") ?? thresholds.memoryWarning
        thresholds.memoryCritical = try fraction("memory_critical") ?? thresholds.memoryCritical
        if thresholds.hitRatioCritical > thresholds.hitRatioWarning {
            throw failure(line("hit_ratio_critical"), "hit_ratio_critical must not be above hit_ratio_warning")
        }
        if thresholds.memoryCritical < thresholds.memoryWarning {
            throw failure(line("memory_critical"), "memory_critical must not be below memory_warning")
        }
        if let value = entry["ttl_warning"] {
            guard let text = value.string, let duration = DurationText.parse(text) else {
                throw failure(line("ttl_warning"), "ttl_warning must be a duration such as \"10s\"")
            }
            thresholds.ttlWarningSeconds = duration.inSeconds
        }
        if let value = entry["fragmentation_ratio"] {
            guard let ratio = value.double ?? value.int.map(Double.init), ratio >= 1, ratio <= 100 else {
                throw failure(line("fragmentation_ratio"), "fragmentation_ratio must be a number from 1 to 100, such as 1.5")
            }
            thresholds.fragmentationRatio = ratio
        }
        if let value = entry["fragmentation_bytes"] {
            guard let bytes = value.int.map(Int64.init) ?? value.string.flatMap(ByteSizeText.parse), bytes >= 0 else {
                throw failure(line("fragmentation_bytes"), "fragmentation_bytes must be a size such as \"100MB\" or a number of bytes")
            }
            thresholds.fragmentationBytes = bytes
        }
        if let value = entry["replica_lag"] {
            guard let text = value.string, let duration = DurationText.parse(text), duration >= .seconds(1) else {
                throw failure(line("replica_lag"), "replica_lag must be a duration of at least 1s, such as \"10s\"")
            }
            thresholds.replicaLagSeconds = Int64(duration.inSeconds.rounded())
        }
    }
}
