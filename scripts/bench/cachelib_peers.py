"""The Python peers of `cachescope-bench simplecache` and `cachescope-bench memoize`, printing the same JSON.

usage: cachelib_peers.py simplecache THRESHOLD FULL_SETS
       cachelib_peers.py memoize CALLS"""
import json
import sys
import time


def simplecache(threshold, full_sets):
    from cachelib import SimpleCache

    cache = SimpleCache(threshold=threshold, default_timeout=300)
    keys = [f"key:{i}" for i in range(threshold)]
    started = time.perf_counter()
    for i, key in enumerate(keys):
        cache.set(key, f"value-{i}")
    set_seconds = time.perf_counter() - started
    started = time.perf_counter()
    found = sum(1 for key in keys if cache.get(key) is not None)
    get_seconds = time.perf_counter() - started
    assert found == len(keys), (found, len(keys))
    started = time.perf_counter()
    for i in range(full_sets):
        cache.set(f"new:{i}", f"value-{i}")
    full_seconds = time.perf_counter() - started
    print(json.dumps({"threshold": threshold, "setOpsPerSecond": len(keys) / set_seconds,
                      "getOpsPerSecond": len(keys) / get_seconds, "fullSetOpsPerSecond": full_sets / full_seconds}))


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
