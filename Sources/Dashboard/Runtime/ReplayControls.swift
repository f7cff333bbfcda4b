import CacheMonitor

/// What the dashboard can ask of a recording played back (`cachescope replay FILE`): move its time cursor,
/// play and pause. Each command answers where the cursor is now.
package protocol ReplayControls: Sendable {
    func perform(_ command: ReplayMove) async -> ReplayPosition
    /// The insights recorded of `backend` last at or before the cursor: a keyspace analysis, a traffic sample.
    func insights(of backend: MonitoredBackend) async -> ReplayedInsights
}

/// What a recording kept of a backend's insights by the replay's cursor: its last keyspace analysis and
/// traffic sample, each with when it was taken (`nil` where none had been by then).
package struct ReplayedInsights: Sendable {
    /// One recorded result and when it was taken.
    package struct Taken<Outcome: Sendable>: Sendable {
        package var outcome: Outcome
        /// When it was taken, as the replay writes instants.
        package var takenAtText: String
        /// How long before the cursor it was taken.
        package var secondsBeforeCursor: Double

        package init(_ outcome: Outcome, takenAtText: String, secondsBeforeCursor: Double) {
            self.outcome = outcome
            self.takenAtText = takenAtText
            self.secondsBeforeCursor = secondsBeforeCursor
        }
    }

    package var keyspace: Taken<KeyspaceOutcome>?
    package var traffic: Taken<TrafficOutcome>?

    package init(keyspace: Taken<KeyspaceOutcome>? = nil, traffic: Taken<TrafficOutcome>? = nil) {
        self.keyspace = keyspace
        self.traffic = traffic
    }
}

/// A move of the replay's time cursor.
package enum ReplayMove: Sendable, Hashable {
    /// Steps of the recording's interval (negative: back).
    case step(Int)
    /// Seconds back (negative) or forward.
    case move(seconds: Int64)
    /// A time as the operator typed it (`14:02`, `-2h`, an ISO 8601 date and time).
    case jump(String)
    /// The next or the previous recorded event.
    case nextEvent, previousEvent
    case togglePlay, faster, slower
}

/// Where a replay is: the instant shown, the recording's span, whether it plays and how fast, the events'
/// instants (the timeline's marks), and what the last command said (a time it could not read).
package struct ReplayPosition: Sendable, Hashable {
    /// Milliseconds since 1970.
    package var instant: Int64
    package var range: ClosedRange<Int64>
    package var playing: Bool
    /// 1, 10 or 60 times real time.
    package var speed: Int
    package var marks: [Int64]
    /// The instant as the header shows it (`2026-12-06 03:10:00`, local time).
    package var instantText: String
    /// A line about the last command (`no event after 03:10:00`), if it has one.
    package var note: String?

    package init(
        instant: Int64, range: ClosedRange<Int64>, playing: Bool = false, speed: Int = 1, marks: [Int64] = [], instantText: String,
        note: String? = nil
    ) {
        self.instant = instant
        self.range = range
        self.playing = playing
        self.speed = speed
        self.marks = marks
        self.instantText = instantText
        self.note = note
    }
}
