/// One metric of the Prometheus data model: a name, a type, a help text and its samples (one per label set).
package struct MetricFamily: Sendable, Hashable {
    package enum Kind: String, Sendable, Hashable {
        case gauge, counter, summary, histogram
    }

    /// One value with its labels, in the order they are written.
    package struct Sample: Sendable, Hashable {
        package var labels: [Label]
        package var value: Double
        /// Written after the family's name: `_sum` and `_count` of a summary; empty for the rest.
        package var suffix: String

        package init(_ labels: [Label] = [], _ value: Double, suffix: String = "") {
            self.labels = labels
            self.value = value
            self.suffix = suffix
        }
    }

    /// A label's name and value.
    package struct Label: Sendable, Hashable {
        package var name: String
        package var value: String

        package init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The name as written on the samples (counters end in `_total`).
    package var name: String
    package var kind: Kind
    package var help: String
    package var samples: [Sample]

    package init(_ name: String, _ kind: Kind, help: String, samples: [Sample] = []) {
        self.name = name
        self.kind = kind
        self.help = help
        self.samples = samples
    }
}

/// Metric families being gathered: samples of the same name join one family, in the order first seen.
package struct MetricSet: Sendable {
    package private(set) var families: [MetricFamily] = []
    private var index: [String: Int] = [:]

    package init() {}

    /// Adds one sample to the family `name` (made with `kind` and `help` the first time).
    package mutating func add(
        _ name: String, _ kind: MetricFamily.Kind, help: String, labels: [MetricFamily.Label], _ value: Double, suffix: String = ""
    ) {
        let sample = MetricFamily.Sample(labels, value, suffix: suffix)
        if let position = index[name] {
            families[position].samples.append(sample)
        } else {
            index[name] = families.count
            families.append(MetricFamily(name, kind, help: help, samples: [sample]))
        }
    }

    /// The same samples, each also labelled with `labels` (a backend's `tag_<name>="1"`).
    package func labelled(_ labels: [MetricFamily.Label]) -> MetricSet {
        guard !labels.isEmpty else { return self }
        var set = self
        for family in set.families.indices {
            for sample in set.families[family].samples.indices { set.families[family].samples[sample].labels += labels }
        }
        return set
    }

    /// Adds every sample of `other`.
    package mutating func add(_ other: MetricSet) {
        for family in other.families {
            for sample in family.samples {
                add(family.name, family.kind, help: family.help, labels: sample.labels, sample.value, suffix: sample.suffix)
            }
        }
    }
}
