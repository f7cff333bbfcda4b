"""The Python peers of `cachescope-bench simplecache` and `cachescope-bench memoize`, printing the same JSON.

usage: cachelib_peers.py simplecache THRESHOLD FULL_SETS
       cachelib_peers.py memoize CALLS"""
import json
import os
import sys
import time


def minor_faults():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def simplecache(threshold, full_sets):
    from cachelib import SimpleCache

    # As `cachescope-bench simplecache`: the set and get loops run often enough for 200,000 calls each.
    passes = max(1, 200_000 // threshold)
    cache = SimpleCache(threshold=threshold, default_timeout=300)
    keys = [f"key:{i}" for i in range(threshold)]
    baseline = resident_bytes()
    set_seconds, bytes_per_entry, set_faults = 0.0, 0.0, 0
    for p in range(passes):
        if p > 0:
            cache.clear()
        faults = minor_faults()
        started = time.perf_counter()
        for i, key in enumerate(keys):
            cache.set(key, f"value-{i}")
        set_seconds += time.perf_counter() - started
        set_faults += minor_faults() - faults
        if p == 0:
            bytes_per_entry = (resident_bytes() - baseline) / threshold
    get_seconds = 0.0
    for _ in range(passes):
        started = time.perf_counter()
        found = sum(1 for key in keys if cache.get(key) is not None)
        get_seconds += time.perf_counter() - started
        assert found == len(keys), (found, len(keys))
    started = time.perf_counter()
    for i in range(full_sets):
        cache.set(f"new:{i}", f"value-{i}")
    full_seconds = time.perf_counter() - started
    operations = len(keys) * passes
    print(json.dumps({"threshold": threshold, "setOpsPerSecond": operations / set_seconds,
                      "getOpsPerSecond": operations / get_seconds, "fullSetOpsPerSecond": full_sets / full_seconds,
                      "bytesPerEntry": bytes_per_entry, "setPageFaultsPerCall": set_faults / operations}))


def memoize(calls):
    from flask import Flask
    from flask_caching import Cache

    app = Flask(__name__)
    cache = Cache(app, config={"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300})

    @cache.memoize(timeout=300)
    def add(a, b):
        return a + b

    with app.app_context():
        add(1, 2)
        started = time.perf_counter()
        total = 0
        for _ in range(calls):
            total += add(1, 2)
        seconds = time.perf_counter() - started
    assert total == calls * 3
    print(json.dumps({"calls": calls, "microsecondsPerHit": seconds / calls * 1e6}))


if __name__ == "__main__":
    if sys.argv[1] == "simplecache":
        simplecache(int(sys.argv[2]), int(sys.argv[3]))
    else:
        memoize(int(sys.argv[2]))
