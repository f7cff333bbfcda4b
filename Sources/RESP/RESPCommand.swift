/// One Redis command: its name and arguments as bytes, plus which arguments are keys.
///
/// Knowing the keys lets a cluster client route the command to the node that owns the key's slot
/// (and re-send it after `MOVED`/`ASK`) without any change to the code that builds commands.
public struct RESPCommand: Sendable, Hashable, CustomStringConvertible {
    /// The command name followed by its arguments.
    public var arguments: [[UInt8]]
    /// Positions in ``arguments`` that hold keys.
    public var keyPositions: [Int]

    /// A command from a name and arguments; `keys` are the positions (in `arguments`, name = 0) of keys.
    public init(_ name: String, _ arguments: [any RESPArgument] = [], keyPositions: [Int] = []) {
        self.arguments = [Array(name.utf8)] + arguments.map(\.respBytes)
        self.keyPositions = keyPositions
    }

    /// A command whose first argument is its only key: `GET key`, `PTTL key`, `TYPE key`, …
    public init(_ name: String, key: [UInt8], _ arguments: [any RESPArgument] = []) {
        self.init(name, [key] + arguments, keyPositions: [1])
    }

    /// A command from its name's bytes and its arguments as bytes, `keyPositions` as above — for hot paths
    /// that send millions of commands: with the name's bytes made once, building one costs one allocation.
    public init(bytes arguments: [[UInt8]], keyPositions: [Int]) {
        self.arguments = arguments
        self.keyPositions = keyPositions
    }

    /// `[1]`: the first argument is the key (shared, so commands built with it allocate nothing for it).
    public static let firstArgumentIsKey = [1]
    /// `[2]`: the second argument is the key (`MEMORY USAGE key`, `OBJECT FREQ key`).
    public static let secondArgumentIsKey = [2]

    /// A command whose arguments are all keys: `MGET`, `DEL`, `UNLINK`, `EXISTS`.
    public init(_ name: String, keys: [[UInt8]]) {
        self.init(name, keys, keyPositions: Array(1...max(1, keys.count)).prefix(keys.count).map { $0 })
    }

    /// The command name in upper case.
    public var name: String { String(decoding: arguments.first ?? [], as: UTF8.self).uppercased() }

    /// The keys this command touches.
    public var keys: [[UInt8]] { keyPositions.compactMap { $0 < arguments.count ? arguments[$0] : nil } }

    /// The name and the number of arguments — never the arguments, which may hold passwords or values.
    public var description: String { "\(name) (\(arguments.count - 1) arguments)" }
}

/// Something that can be a command argument.
public protocol RESPArgument: Sendable {
    /// The bytes sent.
    var respBytes: [UInt8] { get }
}

extension String: RESPArgument { public var respBytes: [UInt8] { Array(utf8) } }
extension Substring: RESPArgument { public var respBytes: [UInt8] { Array(utf8) } }
extension Array: RESPArgument where Element == UInt8 { public var respBytes: [UInt8] { self } }
extension Int: RESPArgument { public var respBytes: [UInt8] { Array(String(self).utf8) } }
extension Int64: RESPArgument { public var respBytes: [UInt8] { Array(String(self).utf8) } }
extension UInt64: RESPArgument { public var respBytes: [UInt8] { Array(String(self).utf8) } }
