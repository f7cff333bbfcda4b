// swift-tools-version:6.1
// cachescope — "htop for caches": a terminal dashboard for Redis, memcached and in-process caches,
// the Flask-Caching-like `Caching` library, and cached routes for Hummingbird 2.
// The target graph is DESIGN.md's "Package layout": a target depends only on targets above it in this list.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

/// In `RESP` and `Caching`, async functions run on their caller's executor unless marked `@concurrent`, so
/// a call from the main actor (or any actor) costs no executor hop. Not for targets that implement
/// Hummingbird's protocols, whose requirements are `@concurrent`. Switching it on or off changes calling
/// conventions: clean the build of dependent targets afterwards (an incremental build can mix the two).
let callerIsolatedSettings =
    swiftSettings + [
        .enableUpcomingFeature("NonisolatedNonsendingByDefault")
    ]

let package = Package(
    name: "cachescope",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cachescope", targets: ["cachescope"]),
        .executable(name: "cachescope-bench", targets: ["CachescopeBench"]),
        .library(name: "RESP", targets: ["RESP"]),
        .library(name: "Memcache", targets: ["Memcache"]),
        .library(name: "Caching", targets: ["Caching"]),
        .library(name: "CachingHummingbird", targets: ["CachingHummingbird"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // Tests only: a clock the tests advance by hand (the poller's time is injected).
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
        // Recordings: SQLite with its own copy of the engine (see DESIGN.md, "Recordings").
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
    ],
    targets: [
        // What every other target may use: durations and their text, human-readable numbers and sizes,
        // one-line error text, byte-prefix checks, deletion totals. No dependencies.
        .target(
            name: "Basics",
            swiftSettings: swiftSettings
        ),
        // What the Redis and memcached clients share: a connection that opens on first use and reopens after
        // failures, and TLS (swift-nio-ssl) for servers that require it.
        .target(
            name: "ConnectionSupport",
            dependencies: [
                "Basics",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: callerIsolatedSettings
        ),
        // The Redis protocol: RESP2/RESP3 codec, pipelined connection, URL parsing, typed commands (Crypto: the
        // SHA1 that names the server-side deletion script).
        .target(
            name: "RESP",
            dependencies: [
                "Basics",
                "ConnectionSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: callerIsolatedSettings
        ),
        // The memcached text protocol: pipelined client, ketama pool, streamed lru_crawler metadump.
        .target(
            name: "Memcache",
            dependencies: [
                "Basics",
                "ConnectionSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: callerIsolatedSettings
        ),
        // The Flask-Caching-like library: backends, the `Cache` facade, memoize, counters.
        .target(
            name: "Caching",
            dependencies: [
                "Basics",
                "ConnectionSupport",
                "Memcache",
                "RESP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: callerIsolatedSettings
        ),
        // What the dashboard watches, without drawing: sources, key browsing, invalidation.
        .target(
            name: "CacheMonitor",
            dependencies: [
                "Basics",
                "Caching",
                "ConnectionSupport",
                "Memcache",
                "RESP",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // Recordings: what the monitor saw, kept in an SQLite file (series in compressed blocks, states, events)
        // and read back at any instant (replay, export).
        .target(
            name: "Recording",
            dependencies: [
                "Basics",
                "CacheMonitor",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Cached routes (`@cache.cached()`) and Cache-Control helpers for Hummingbird 2.
        .target(
            name: "CachingHummingbird",
            dependencies: [
                "Caching",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // The tutorial as a web app: one route per section, a fake database and API, the traffic generator.
        .target(
            name: "DemoApp",
            dependencies: [
                "Basics",
                "Caching",
                "CachingHummingbird",
                "ConnectionSupport",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The dashboard without a terminal: canvas, widgets, layout, state (never links ncurses or Hummingbird).
        .target(
            name: "Dashboard",
            dependencies: ["Basics", "CacheMonitor", "ConnectionSupport"],
            swiftSettings: swiftSettings
        ),
        // The configuration file and theme files: TOML read and checked, every mistake one line.
        .target(
            name: "Settings",
            dependencies: [
                "Basics",
                "CacheMonitor",
                "ConnectionSupport",
                "Dashboard",
                "Memcache",
                "RESP",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: swiftSettings
        ),
        // ncursesw for Swift: the module map and a few inline shims for what Swift cannot import.
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncurses-dev"])]),
        // The only code that calls ncurses: the dashboard on a real terminal.
        .target(
            name: "TerminalNCurses",
            dependencies: ["CNCurses", "Dashboard"],
            swiftSettings: swiftSettings
        ),
        // The command-line entry point.
        .executableTarget(
            name: "cachescope",
            dependencies: [
                "Basics",
                "CacheMonitor",
                "Caching",
                "ConnectionSupport",
                "Dashboard",
                "DemoApp",
                "Memcache",
                "RESP",
                "Recording",
                "Settings",
                "TerminalNCurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Measurements run by scripts/bench-*.sh (built in release there).
        .executableTarget(
            name: "CachescopeBench",
            dependencies: [
                "Basics",
                "CacheMonitor",
                "Caching",
                "ConnectionSupport",
                "Dashboard",
                "TerminalNCurses",
                "Memcache",
                "RESP",
                "Recording",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/CachescopeBench",
            swiftSettings: swiftSettings
        ),
        // Fakes and fixtures shared by the test targets (not shipped).
        .target(
            name: "TestSupport",
            dependencies: [
                "Basics",
                "CacheMonitor",
                "ConnectionSupport",
                "Caching",
                "RESP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RESPTests",
            dependencies: [
                "Basics",
                "ConnectionSupport",
                "RESP",
                "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MemcacheTests",
            dependencies: [
                "Basics",
                "Memcache",
                "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CachingTests",
            dependencies: ["Caching", "Memcache", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CacheMonitorTests",
            dependencies: [
                "Basics",
                "CacheMonitor",
                "Caching",
                "ConnectionSupport",
                "Memcache",
                "RESP",
                "TestSupport",
                .product(name: "Clocks", package: "swift-clocks"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RecordingTests",
            dependencies: ["Basics", "CacheMonitor", "Recording", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CachingHummingbirdTests",
            dependencies: [
                "Caching",
                "CachingHummingbird",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DemoAppTests",
            dependencies: [
                "Caching",
                "DemoApp",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["Basics", "CacheMonitor", "Caching", "Dashboard", "TestSupport"],
            exclude: ["Snapshots"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SettingsTests",
            dependencies: ["CacheMonitor", "Dashboard", "RESP", "Settings"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CachescopeCLITests",
            dependencies: ["Memcache", "RESP", "Recording", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
