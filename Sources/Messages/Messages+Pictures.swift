import Localization
import SharedFile

extension Messages {
    /// The Segment line's part about a picture: "PNG, 400 × 300 pixels".
    public static func pictureInfo(format: PictureFormat, width: Int, height: Int) -> String {
        tr("{format}, {width} × {height} pixels").filling(["format": format.name, "width": "\(width)", "height": "\(height)"])
    }

    /// An SVG drawn smaller than its canvas.
    public static func pictureScaled(format: PictureFormat, width: Int, height: Int, shownWidth: Int, shownHeight: Int) -> String {
        tr("{format}, {width} × {height} pixels, drawn at {shownWidth} × {shownHeight}")
            .filling(["format": format.name, "width": "\(width)", "height": "\(height)",
                      "shownWidth": "\(shownWidth)", "shownHeight": "\(shownHeight)"])
    }

    /// While the picture is decoded off the main loop.
    public static func pictureDecoding(format: PictureFormat) -> String {
        tr("{format}, decoding…").filling(["format": format.name])
    }

    /// A picture over the pixel budget, refused before decoding.
    public static func pictureTooLarge(format: PictureFormat, width: Int, height: Int, budget: Int) -> String {
        tr("This {format} picture declares {width} × {height} pixels, more than the {budget} million the viewer decodes (it would take {memory} of memory), so it is not shown. The Hex view shows its bytes.")
            .filling(["format": format.name, "width": "\(width)", "height": "\(height)",
                      "budget": "\(budget / 1_000_000)", "memory": ByteCount.format(width * height * 4)])
    }

    /// No decoder for the format is installed.
    public static func pictureNoLoader(format: PictureFormat) -> String {
        tr("No decoder for {format} pictures is installed (GdkPixbuf has no \"{loader}\" loader; for WebP install webp-pixbuf-loader). The Hex view shows its bytes.")
            .filling(["format": format.name, "loader": format.loaderType])
    }

    /// Nothing could be decoded.
    public static func pictureUndecodable(format: PictureFormat, reason: String) -> String {
        let reason = reason.isEmpty ? tr("no picture data") : reason
        return tr("The content starts like a {format} picture but cannot be decoded: {reason}. The Hex view shows its bytes.")
            .filling(["format": format.name, "reason": reason])
    }

    /// Part of the picture decoded (a truncated file).
    public static func picturePartial(format: PictureFormat, reason: String) -> String {
        tr("Only part of this {format} picture could be decoded ({reason}); what decoded is shown.")
            .filling(["format": format.name, "reason": reason])
    }

    /// Why a picture that decoded is only a part: the data stops before the file's end marker.
    public static func pictureCutShort() -> String { tr("the data ends before the picture's end marker") }

    /// The Segment line's part for content shown as hex.
    public static func binaryInfo() -> String { tr("binary, shown as hex") }

    /// The Segment line's part for text (or a picture) the user chose to see as hex.
    public static func shownAsHex() -> String { tr("shown as hex") }
}
