/// A prefix group of a report (keyspace or traffic): its prefix, depth, sub-groups and what it is to
/// Flask-Caching — what listing and finding groups need, whatever figures the group carries.
package protocol PrefixGroup {
    /// The keys' common start, ending at a delimiter; empty for the whole backend.
    var prefix: [UInt8] { get }
    /// 0 for the whole backend, 1 for top-level groups, and so on.
    var depth: Int { get }
    /// Sub-groups, in the report's order.
    var children: [Self] { get }
    /// What the group is to Flask-Caching, when it is one route's keys or one memoized function's results.
    var flask: FlaskCachingGroup? { get }
}

extension PrefixGroup {
    /// Whether it holds memoized results of a function rather than every key under ``prefix``.
    package var isMemoized: Bool {
        switch flask {
        case .memoized, .staleMemoized: true
        case .route, nil: false
        }
    }

    /// How the group is listed: its prefix written by `keyText`, and for memoized results what they are
    /// (`flask_cache_ [memoized app.get_user]`).
    package func name(keyText: ([UInt8]) -> String) -> String {
        guard isMemoized, let flask else { return keyText(prefix) }
        return keyText(prefix) + " [" + flask.label + "]"
    }
}

/// A report whose groups form a tree under ``root``.
package protocol PrefixGroupTree {
    associatedtype Group: PrefixGroup
    /// The whole backend (depth 0), its groups below it.
    var root: Group { get }
}

extension PrefixGroupTree {
    /// Every group down to `depth` (1 = top level), depth first, in the report's order: every top-level
    /// group, and below that the first `perGroup` groups of each group (the rest count in their parent).
    package func groups(toDepth depth: Int, perGroup: Int = Int.max) -> [Group] {
        var out: [Group] = []
        func visit(_ group: Group) {
            let shown = group.depth == 0 ? group.children : Array(group.children.prefix(perGroup))
            for child in shown where child.depth <= depth {
                out.append(child)
                visit(child)
            }
        }
        visit(root)
        return out
    }

    /// The group whose prefix is `prefix` (not a memoized function's), if there is one.
    package func group(_ prefix: [UInt8]) -> Group? {
        var current = root
        while current.prefix != prefix {
            guard let next = current.children.first(where: { !$0.isMemoized && prefix.hasBytePrefix($0.prefix) }) else { return nil }
            current = next
        }
        return current
    }
}
