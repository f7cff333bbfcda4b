import Foundation
import Synchronization

/// What the monitor can do with a backend besides watching its counters — one per capability port. A
/// backend offers a feature when its source conforms to the feature's port (``MonitoredBackend`` answers
/// each as an optional); each server may still refuse it at run time (``FeatureAnswers``).
package enum BackendFeature: Sendable, Hashable, CaseIterable {
    /// Listing keys with their type, TTL and size, and reading a value's first bytes (``KeyBrowsingSource``).
    case keyBrowsing
    /// Deleting given keys, and every key under a prefix (``KeyDeletionSource``).
    case keyDeletion
    /// Setting or removing a key's TTL (``KeyExpirySource``).
    case keyExpiry
    /// Reading the keyspace for an analysis (``KeyspaceSource``).
    case keyspace
    /// Sampling the traffic per prefix and key (``TrafficSource``).
    case traffic
    /// Reading each server's health (``HealthSource``).
    case health
    /// Closing a client connection (``ClientControlSource``).
    case clientControl
    /// Reading metrics under the exporters' names (``MetricsSource``).
    case metrics

    /// How people call it, in a sentence (`key listing`, `traffic sampling`).
    package var title: String {
        switch self {
        case .keyBrowsing: "key listing"
        case .keyDeletion: "key deletion"
        case .keyExpiry: "TTL changes"
        case .keyspace: "keyspace analysis"
        case .traffic: "traffic sampling"
        case .health: "server health"
        case .clientControl: "closing clients"
        case .metrics: "exporter metrics"
        }
    }
}

/// Why a server refused what a feature needs, in its own words and as a class the code can match on.
package struct Refusal: Sendable, Hashable {
    /// The kind of refusal, whatever the server's wording.
    package enum Kind: Sendable, Hashable {
        /// The command is unknown: renamed or removed by the operator or the service.
        case unknownCommand
        /// The user lacks the permission (an ACL's `NOPERM`).
        case noPermission
        /// A managed service blocks it ("not supported", "not allowed").
        case blockedByService
        /// The backend cannot do it at all (an in-process cache without a log).
        case notSupported
        /// Any other error reply.
        case other
    }

    package var kind: Kind
    /// The command refused, as sent (`CONFIG GET`, `MONITOR`), or what was missing.
    package var command: String
    /// The server's own reply, one line.
    package var message: String

    package init(_ kind: Kind, command: String, message: String) {
        self.kind = kind
        self.command = command
        self.message = message
    }

    /// A server's error reply to `command` (trimmed), classed by its first word and wording: `NOPERM` (an ACL),
    /// `unknown command` (renamed or removed), a managed service's "not supported"/"not allowed".
    package init(reply: String, command: String) {
        let message = reply.trimmingCharacters(in: .whitespacesAndNewlines)
        let lowered = message.lowercased()
        let kind: Kind =
            if message.hasPrefix("NOPERM") {
                .noPermission
            } else if lowered.contains("unknown command") {
                .unknownCommand
            } else if lowered.contains("not supported") || lowered.contains("not allowed") {
                .blockedByService
            } else {
                .other
            }
        self.init(kind, command: command, message: message)
    }

    /// `CONFIG GET refused: ERR unknown command 'CONFIG'`.
    package var description: String { "\(command) refused: \(message)" }
}

/// A source that learns, as it works, what its servers refuse (a `MEMORY USAGE` or a `TYPE` an ACL refuses,
/// whether fields expire) and stops asking: it forgets when its backend reconnects, with the backend's
/// ``FeatureAnswers``.
package protocol LearningSource: CacheSource {
    /// Forgets what the servers answered: the next use asks again.
    func forgetLearned()
}

/// What one server answered about one feature.
package enum FeatureAnswer: Sendable, Hashable {
    /// It worked (or the server has what it needs).
    case supported
    /// The server refused it, and why.
    case refused(Refusal)
    /// Not asked yet.
    case unknown
}

/// What each server of a backend answered about each feature, learned as features are used and kept on the
/// backend (shared by every copy of its ``MonitoredBackend``). A feature with no answer from a
/// server is ``FeatureAnswer/unknown`` there. Thread-safe.
package final class FeatureAnswers: Sendable {
    /// One server's answer.
    package struct ServerAnswer: Sendable, Hashable {
        /// `host:port`; empty for a backend that is not made of servers (in process).
        package var server: String
        package var answer: FeatureAnswer

        package init(server: String, answer: FeatureAnswer) {
            self.server = server
            self.answer = answer
        }
    }

    private let answers = Mutex<[BackendFeature: [ServerAnswer]]>([:])

    package init() {}

    /// Records `answer` from `server` for `feature` (replacing its earlier one); ``FeatureAnswer/unknown``
    /// forgets it.
    package func record(_ answer: FeatureAnswer, for feature: BackendFeature, on server: String = "") {
        answers.withLock { answers in
            var list = answers[feature] ?? []
            list.removeAll { $0.server == server }
            if answer != .unknown { list.append(ServerAnswer(server: server, answer: answer)) }
            answers[feature] = list.isEmpty ? nil : list
        }
    }

    /// Every server's answer about `feature`, in the order they were first given.
    package func answers(for feature: BackendFeature) -> [ServerAnswer] {
        answers.withLock { $0[feature] ?? [] }
    }

    /// `server`'s answer about `feature`.
    package func answer(for feature: BackendFeature, on server: String = "") -> FeatureAnswer {
        answers(for: feature).first { $0.server == server }?.answer ?? .unknown
    }

    /// Forgets every answer (after a reconnect: the server, its user or its settings may have changed).
    package func forgetAll() {
        answers.withLock { $0 = [:] }
    }
}

/// Whether a backend offers a feature now: what its type supports, narrowed by what its servers answered.
package enum FeatureAvailability: Sendable, Hashable {
    /// Offered; `refusedOn` names the servers that refused it (the others answer).
    case available(refusedOn: [FeatureAnswers.ServerAnswer])
    /// Its type does not do it (no conformance).
    case notOffered
    /// Every server that answered refused it.
    case refused([FeatureAnswers.ServerAnswer])

    /// Whether the feature can be used.
    package var isAvailable: Bool {
        if case .available = self { return true }
        return false
    }
}
