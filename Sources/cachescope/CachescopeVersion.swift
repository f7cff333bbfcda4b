/// The version `cachescope --version` prints.
enum CachescopeVersion {
    static let current = "0.1.0"
}
