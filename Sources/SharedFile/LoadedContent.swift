/// One load as the viewer holds it: the payload's bytes, whole (the one copy the viewer keeps of
/// them; freed when the next load replaces it), and what the header said about them. Every view
/// of the content (the text view today; a picture or hex view beside it) reads these bytes, and so
/// do copy and search, through the view's own map from what it shows to byte offsets (the text
/// view's is `DisplayMap`). A content kind (text, picture, binary), when one is detected, belongs here.
public struct LoadedContent: Sendable {
    /// The stored payload: the framed payload, or the seed bytes up to the first NUL.
    public let bytes: [UInt8]
    /// The loaded file's name (framed segments only).
    public let fileName: String?
    public let format: ContentFormat
    /// nil for the seed format.
    public let generation: UInt64?
    /// What the bytes are (`ContentKind.detect`, from their first 64 KiB): the view they open in.
    public let kind: ContentKind
    /// `bytes` are only the start of the payload (`Snapshot.isPreview`): the whole follows.
    public let isPreview: Bool

    public init(_ snapshot: Snapshot) {
        bytes = snapshot.payload
        isPreview = snapshot.isPreview
        fileName = snapshot.fileName
        format = snapshot.format
        generation = snapshot.generation
        kind = ContentKind.detect(snapshot.payload)
    }

    public init(bytes: [UInt8], fileName: String?, format: ContentFormat = .framed, generation: UInt64? = nil) {
        self.bytes = bytes
        self.fileName = fileName
        self.format = format
        self.generation = generation
        isPreview = false
        kind = ContentKind.detect(bytes)
    }
}
