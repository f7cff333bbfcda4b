import Basics

/// How a job ended — the same four ways for every job.
package enum JobEnding: Sendable, Hashable {
    case completed
    /// Stopped on request; what was done until then stays done and is reported.
    case stopped
    /// `--read-only` is on: nothing was touched.
    case refused
    /// Failed (one line); what was done before the failure is reported.
    case failed(String)
}

/// How a job ended, the one shape of every job's outcome: what it was about and what it found (`Details`: a
/// change's totals, an analysis's report…), how it ended, and how long it took. The details' fields read as
/// the outcome's own (`outcome.totals`, `outcome.report`).
@dynamicMemberLookup
package struct JobOutcome<Details: Sendable & Hashable>: Sendable, Hashable {
    package typealias Ending = JobEnding

    package var details: Details
    package var ending: JobEnding
    package var elapsed: Duration

    package init(_ details: Details, ending: JobEnding = .completed, elapsed: Duration = .zero) {
        self.details = details
        self.ending = ending
        self.elapsed = elapsed
    }

    package subscript<Value>(dynamicMember path: WritableKeyPath<Details, Value>) -> Value {
        get { details[keyPath: path] }
        set { details[keyPath: path] = newValue }
    }
}

/// What a sampling job (a keyspace analysis, a traffic sample) is about and found.
package struct SampleDetails<Options: Sendable & Hashable, Report: Sendable & Hashable>: Sendable, Hashable {
    package var backend: MonitoredBackend
    package var options: Options
    /// What it found; also after a stop (what was read until then is a sample too); `nil` after a failure.
    package var report: Report?
}

extension JobOutcome {
    /// The outcome of a sampling job on `backend`.
    package init<Options, Report>(
        backend: MonitoredBackend, options: Options, report: Report?, ending: JobEnding, elapsed: Duration
    ) where Details == SampleDetails<Options, Report> {
        self.init(SampleDetails(backend: backend, options: options, report: report), ending: ending, elapsed: elapsed)
    }
}

extension Job {
    /// A job whose outcome starts as `details`, completed: `work` fills it in (and says when it stopped); an
    /// error it throws ends the job failed with the error's one line — what was filled in until then stays —
    /// and the time taken is set at the end.
    /// `finished` sees the outcome before anyone who follows the job does.
    package convenience init<Details>(
        details: Details, finished: (@Sendable (Outcome) async -> Void)? = nil,
        _ work: @escaping @Sendable (JobContext<Progress>, inout Outcome) async throws -> Void
    ) where Outcome == JobOutcome<Details> {
        self.init { context in
            var outcome = JobOutcome(details)
            do {
                try await work(context, &outcome)
            } catch {
                outcome.ending = .failed(ErrorText.oneLine(error))
            }
            outcome.elapsed = context.elapsed
            await finished?(outcome)
            return outcome
        }
    }
}
