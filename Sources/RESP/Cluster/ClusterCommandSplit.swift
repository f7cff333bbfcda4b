/// How one command reaches a cluster: whole, to the master of its keys' slot, or — for the multi-key
/// commands whose keys are independent (`MGET`, `MSET`, `DEL`, `UNLINK`, `EXISTS`, `TOUCH`) and span several
/// slots — as one command per slot, whose replies are put back together as the single reply the caller
/// asked for. So callers never see `CROSSSLOT`.
///
/// Other commands whose keys span slots are sent whole, and the server's `CROSSSLOT` error is the reply:
/// splitting them would change what they mean.
struct ClusterCommandSplit: Sendable {
    /// One command to send, and the slot that decides its node (`nil`: no key, any master will do).
    struct Part: Sendable {
        var command: RESPCommand
        var slot: Int?
    }

    /// How the parts' replies become one.
    enum Merge: Sendable {
        /// One part; its reply as it is.
        case whole
        /// `MGET`: each part's array goes back to the positions its keys had (`positions[part][i]`).
        case arrayByPosition(positions: [[Int]], count: Int)
        /// `DEL`, `UNLINK`, `EXISTS`, `TOUCH`: the integers add up.
        case sum
        /// `MSET`: `OK` when every part said `OK`.
        case allOK
    }

    var parts: [Part]
    var merge: Merge

    init(_ command: RESPCommand) {
        let keys = command.keys
        let slots = keys.map { ClusterSlot.of($0) }
        guard let first = slots.first else {
            parts = [Part(command: command, slot: nil)]
            merge = .whole
            return
        }
        guard slots.contains(where: { $0 != first }), let layout = Self.layout(of: command) else {
            parts = [Part(command: command, slot: first)]
            merge = .whole
            return
        }
        // Group the keys by slot, each group in the order its keys came.
        var order: [Int] = []
        var positionsBySlot: [Int: [Int]] = [:]
        for (index, slot) in slots.enumerated() {
            if positionsBySlot[slot] == nil { order.append(slot) }
            positionsBySlot[slot, default: []].append(index)
        }
        let name = command.arguments[0]
        var parts: [Part] = []
        var positions: [[Int]] = []
        for slot in order {
            let keyIndices = positionsBySlot[slot] ?? []
            var arguments = [name]
            var keyPositions: [Int] = []
            for keyIndex in keyIndices {
                keyPositions.append(arguments.count)
                let at = command.keyPositions[keyIndex]
                arguments.append(command.arguments[at])
                if layout == .keyValuePairs { arguments.append(command.arguments[at + 1]) }
            }
            var part = command
            part.arguments = arguments
            part.keyPositions = keyPositions
            parts.append(Part(command: part, slot: slot))
            positions.append(keyIndices)
        }
        self.parts = parts
        switch command.name {
        case "MGET": merge = .arrayByPosition(positions: positions, count: keys.count)
        case "MSET": merge = .allOK
        default: merge = .sum
        }
    }

    /// The one reply for the caller; the first error reply of any part wins.
    func merged(_ replies: [RESPValue]) -> RESPValue {
        if case .whole = merge { return replies.first ?? .null }
        if let error = replies.first(where: { $0.errorMessage != nil }) { return error }
        switch merge {
        case .whole:
            return replies.first ?? .null
        case .arrayByPosition(let positions, let count):
            var values = [RESPValue](repeating: .null, count: count)
            for (reply, places) in zip(replies, positions) {
                for (value, place) in zip(reply.array ?? [], places) { values[place] = value }
            }
            return .array(values)
        case .sum:
            return .integer(replies.reduce(0) { $0 + ($1.integer ?? 0) })
        case .allOK:
            return .simpleString(Array("OK".utf8))
        }
    }

    private enum Layout {
        case keysOnly
        case keyValuePairs
    }

    /// The commands that may be split, when their arguments have the usual shape.
    private static func layout(of command: RESPCommand) -> Layout? {
        let count = command.arguments.count
        switch command.name {
        case "MGET", "DEL", "UNLINK", "EXISTS", "TOUCH":
            return command.keyPositions == Array(1..<max(1, count)) ? .keysOnly : nil
        case "MSET":
            return count % 2 == 1 && command.keyPositions == Array(stride(from: 1, to: count, by: 2)) ? .keyValuePairs : nil
        default:
            return nil
        }
    }
}
