/// The one version of the project, printed by every program's `--version`.
///
/// `make validate` checks it against the newest `<release version=…>` of
/// data/org.sharedmemorygtk.Viewer.metainfo.xml, so the two cannot drift: bump both together.
public enum ProjectVersion {
    /// The release number (semantic versioning: the `SharedMemory` library's public API is what it
    /// versions; see CHANGELOG.md), e.g. "0.3.0".
    public static let number = "0.3.0"

    /// What `--version` prints: the program name and the version, e.g. `sharedmemory 0.3.0`.
    public static func line(program: String) -> String { "\(program) \(number)" }
}
