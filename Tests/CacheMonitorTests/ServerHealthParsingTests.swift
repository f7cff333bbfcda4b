import RESP
import Testing

@testable import CacheMonitor

/// Server health read from recorded replies of Redis 7.0 and memcached 1.6: the slow log (kept across
/// rotation), command statistics with latency percentiles, client lists, slab classes.
@Suite struct ServerHealthParsingTests {
    func entry(_ id: Int64, time: Int64 = 1_700_000_000, _ command: String...) -> RESPValue {
        .array([
            .integer(id), .integer(time), .integer(12_000), .array(command.map { .bulkString(Array($0.utf8)) }),
            .bulkString(Array("127.0.0.1:50000".utf8)), .bulkString(Array("worker".utf8)),
        ])
    }

    @Test func slowLogEntriesAsRedisSendsThem() throws {
        let entries = SlowLogEntry.parse(.array([entry(7, "DEBUG", "SLEEP", "0.1"), .integer(3), entry(6, "KEYS", "*")]), node: nil)
        #expect(entries.map(\.id) == [7, 6])
        let first = try #require(entries.first)
        #expect(first.arguments == [Array("DEBUG".utf8), Array("SLEEP".utf8), Array("0.1".utf8)])
        #expect(first.durationMicroseconds == 12_000 && first.clientAddress == "127.0.0.1:50000" && first.clientName == "worker")
        // Redis 3 sends four fields only.
        let old = SlowLogEntry.parse(.array([.array([.integer(1), .integer(2), .integer(3), .array([.bulkString(Array("GET".utf8))])])]))
        #expect(old.first?.clientAddress == nil)
    }

    @Test func theHistoryKeepsEntriesTheServerRotatedOutAndMarksNewOnes() {
        var history = SlowLogHistory(capacity: 100)
        #expect(history.merge(SlowLogEntry.parse(.array([entry(2, "B"), entry(1, "A")]))) == 0, "the first read is not news")
        // The server's log held two entries: 1 rotated out, 3 arrived.
        let added = history.merge(SlowLogEntry.parse(.array([entry(3, time: 1_700_000_010, "C"), entry(2, "B")])))
        #expect(added == 1)
        #expect(history.entries.map(\.id) == [3, 2, 1])
        #expect(history.entries.filter(history.isFresh).map(\.id) == [3])
        #expect(history.merge(SlowLogEntry.parse(.array([entry(3, time: 1_700_000_010, "C")]))) == 0)
        #expect(history.entries.filter(history.isFresh).isEmpty)
    }

    @Test func theHistoryIsBounded() {
        var history = SlowLogHistory(capacity: 10)
        for round in 0..<20 { history.merge(SlowLogEntry.parse(.array([entry(Int64(round), time: Int64(1_700_000_000 + round), "X")]))) }
        #expect(history.entries.count == 10 && history.entries.first?.id == 19)
    }

    @Test func commandStatisticsWithLatencyPercentiles() throws {
        let info = RedisInfo(
            parsing: """
                # Commandstats\r
                cmdstat_get:calls=1200,usec=2400,usec_per_call=2.00,rejected_calls=1,failed_calls=2\r
                cmdstat_client|list:calls=3,usec=90,usec_per_call=30.00,rejected_calls=0,failed_calls=0\r
                # Latencystats\r
                latency_percentiles_usec_get:p50=1.003,p99=10.047,p99.9=27.007\r
                latency_percentiles_usec_client|list:p50=28.031,p99=35.071,p99.9=35.071\r
                """)
        let stats = CommandStat.parse(info)
        #expect(stats.map(\.command) == ["get", "client|list"])
        let get = try #require(stats.first)
        #expect(get.calls == 1200 && get.microseconds == 2400 && get.microsecondsPerCall == 2 && get.rejectedCalls == 1 && get.failedCalls == 2)
        #expect(get.p50 == 1.003 && get.p99 == 10.047 && get.p999 == 27.007)
    }

    @Test func clientListLinesOfRedis7() throws {
        let text = """
            id=290 addr=127.0.0.1:51268 laddr=127.0.0.1:17712 fd=7 name= age=12 idle=3 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=20448 argv-mem=10 multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=0 tot-mem=37658 events=r cmd=client|list user=default redir=-1 resp=2
            id=291 addr=10.0.0.2:40000 laddr=127.0.0.1:17712 fd=8 name=cachescope age=100 idle=0 flags=O db=3 qbuf=0 omem=20480 tot-mem=60000 cmd=monitor lib-name=redis-py lib-ver=5.0.1
            garbage line
            """
        let clients = RedisClientInfo.parse(text)
        #expect(clients.count == 2)
        let first = try #require(clients.first)
        #expect(first.id == 290 && first.name == nil && first.address == "127.0.0.1:51268" && first.ageSeconds == 12 && first.idleSeconds == 3)
        #expect(first.command == "client|list" && first.queryBufferBytes == 26 && first.totalMemoryBytes == 37658 && first.flags == "N")
        let second = try #require(clients.last)
        #expect(second.isCachescope && second.database == 3 && second.outputMemoryBytes == 20480 && second.library == "redis-py 5.0.1")
    }

    @Test func slabClassesJoinSlabsAndItems() throws {
        let slabs: [(name: String, value: String)] = [
            ("1:chunk_size", "96"), ("1:total_chunks", "10922"), ("1:used_chunks", "0"), ("4:chunk_size", "192"), ("4:total_chunks", "5461"),
            ("4:used_chunks", "50"), ("active_slabs", "2"), ("total_malloced", "2097152"),
        ]
        let items: [(name: String, value: String)] = [
            ("items:4:number", "50"), ("items:4:age", "30"), ("items:4:mem_requested", "8140"), ("items:4:evicted", "5"),
            ("items:4:evicted_unfetched", "3"), ("items:4:expired_unfetched", "2"), ("items:4:outofmemory", "1"),
        ]
        let classes = SlabClass.parse(slabs: slabs, items: items)
        #expect(classes.map(\.id) == [1, 4])
        let four = try #require(classes.last)
        #expect(four.items == 50 && four.usedChunks == 50 && four.totalChunks == 5461 && four.chunkSize == 192)
        #expect(four.wasteBytes == 50 * 192 - 8140)
        #expect(
            four.evicted == 5 && four.evictedUnfetched == 3 && four.expiredUnfetched == 2 && four.oldestItemAgeSeconds == 30 && four.outOfMemory == 1)
        #expect(classes.first?.wasteBytes == nil)
    }
}
