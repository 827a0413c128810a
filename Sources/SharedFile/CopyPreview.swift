/// How a large new payload is read in two polls: first its start (`Snapshot.isPreview`), so
/// that a viewer shows its first screen at once, then the whole, in the next poll, when the
/// generation is still the same (else the newer content, from its start again). Copying 512 MiB
/// took 0.2 to 1.6 s here (page faults, huge page compaction); its first 1 MiB takes a few ms.
public struct CopyPreview: Sendable, Equatable {
    /// Payloads from this size on are previewed.
    public var threshold: Int
    /// How much of them the preview holds.
    public var bytes: Int
    public init(threshold: Int, bytes: Int) {
        self.threshold = max(threshold, 1)
        self.bytes = min(max(bytes, 0), self.threshold)
    }

    /// From 16 MiB, the first MiB: eight windows of the text view (`ContentWindow.Limits`).
    public static let standard = CopyPreview(threshold: 16 << 20, bytes: 1 << 20)
}
