/// Which keys a Redis command reads and writes, for counting `MONITOR` lines.
///
/// Reads are exactly the keyed commands that raise a key-miss event (`__keyevent@<db>__:keymiss`) when
/// their key is missing — checked one by one on Redis 7.0 — so hits = reads − misses stays consistent.
/// `OBJECT`, `MEMORY USAGE`, `EXPIRE`, `APPEND`, `INCR` and the like raise none: they are writes or not
/// counted. Commands not listed (scripts, admin, pub/sub) count nothing; a script's own commands appear
/// in `MONITOR` one by one and are counted there.
package enum RedisTrafficCommands {
    /// Where a command's keys are among its arguments (the command name is argument 0).
    enum Keys {
        /// Argument 1.
        case first
        /// Arguments 1 and on.
        case all
        /// Arguments 1, 3, 5… (`MSET k v k v`).
        case pairs
        /// A count at argument 1, then that many keys (`SINTERCARD 2 a b`).
        case counted
        /// After the `STREAMS` word, the first half of the rest (`XREAD … STREAMS a b 0 0`).
        case streams
    }

    struct Shape {
        var keys: Keys
        var reads: Bool
        var writes: Bool
    }

    /// The events `arguments` (a command and its arguments, as `MONITOR` shows them) cause.
    package static func events(_ arguments: [[UInt8]], body: (_ key: [UInt8], _ event: TrafficEvent) -> Void) {
        guard let first = arguments.first, first.count <= 20 else { return }
        let name = lowercased(first)
        guard var shape = table[name] else { return }
        // `SET k v … GET` reads the old value too.
        if name == set, arguments.dropFirst(3).contains(where: { $0.count == 3 && lowercased($0) == get }) { shape.reads = true }
        for key in keys(of: arguments, shape.keys) {
            if shape.reads { body(key, .read(hit: nil)) }
            if shape.writes { body(key, .write) }
        }
    }

    private static func keys(of arguments: [[UInt8]], _ keys: Keys) -> ArraySlice<[UInt8]> {
        guard arguments.count > 1 else { return [] }
        switch keys {
        case .first: return arguments[1...1]
        case .all: return arguments[1...]
        case .pairs: return ArraySlice(stride(from: 1, to: arguments.count, by: 2).map { arguments[$0] })
        case .counted:
            guard let count = Int(decimal: arguments[1]), count > 0 else { return [] }
            return arguments[2..<min(arguments.count, 2 + count)]
        case .streams:
            guard let marker = arguments.firstIndex(where: { lowercased($0) == streams }) else { return [] }
            let rest = arguments[(marker + 1)...]
            return rest.prefix(rest.count / 2)
        }
    }

    private static func lowercased(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    private static let set = Array("set".utf8)
    private static let get = Array("get".utf8)
    private static let streams = Array("streams".utf8)

    private static let table: [[UInt8]: Shape] = {
        var table: [[UInt8]: Shape] = [:]
        func add(_ names: String, _ keys: Keys, reads: Bool, writes: Bool) {
            for name in names.split(separator: " ") { table[Array(name.utf8)] = Shape(keys: keys, reads: reads, writes: writes) }
        }
        add(
            "get getex type ttl pttl expiretime pexpiretime strlen getrange substr getbit bitcount bitpos bitfield_ro dump "
                + "hget hgetall hmget hexists hlen hkeys hvals hstrlen hrandfield hscan "
                + "lrange llen lindex lpos smembers sismember smismember scard srandmember sscan "
                + "zrange zrevrange zrangebyscore zrevrangebyscore zrangebylex zrevrangebylex zscore zmscore zcard zrank zrevrank "
                + "zcount zlexcount zrandmember zscan xlen xrange xrevrange geopos geodist geohash geosearch georadius_ro "
                + "georadiusbymember_ro sort_ro",
            .first, reads: true, writes: false)
        add("mget exists touch pfcount sunion sinter sdiff lcs", .all, reads: true, writes: false)
        add("sintercard zinter zunion zdiff zintercard", .counted, reads: true, writes: false)
        add("xread", .streams, reads: true, writes: false)
        add("getdel getset", .first, reads: true, writes: true)
        add(
            "set setex psetex setnx setrange append incr incrby incrbyfloat decr decrby expire pexpire expireat pexpireat persist "
                + "hset hmset hsetnx hdel hincrby hincrbyfloat lpush rpush lpushx rpushx lpop rpop lset lrem ltrim linsert "
                + "sadd srem spop smove zadd zrem zincrby zpopmin zpopmax zremrangebyscore zremrangebyrank zremrangebylex "
                + "xadd xdel xtrim pfadd setbit bitfield geoadd rename renamenx copy restore",
            .first, reads: false, writes: true)
        add("del unlink", .all, reads: false, writes: true)
        add("mset msetnx", .pairs, reads: false, writes: true)
        return table
    }()
}
