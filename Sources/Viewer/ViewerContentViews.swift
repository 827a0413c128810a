import GtkSupport
import Localization
import Messages
import SharedFile

/// The three views of the loaded bytes, in a stack chosen by Text / Hex / Picture buttons in the
/// header bar: any content in any view that can show it (the Picture button only for a picture).
/// A load opens in the view last chosen for its kind (text, picture, binary), else in its own.
@MainActor
final class ViewerContentViews {
    enum Page: String { case text, hex, picture }

    let stack = Stack()
    let hex = HexView()
    let picture = PictureView()
    /// What the picture page says instead of or about the picture (decoding, a problem).
    let pictureStatus = Label()
    private let decoder = PictureDecodeQueue()
    private var loaded: LoadedContent?
    /// The view chosen last for each kind of content.
    private var preferred: [String: Page] = [:]
    /// The Segment line's part about the content as the shown view sees it (nil: the text view's own).
    private(set) var note: String?
    /// Called when `note` changes after the load (a picture decoded) or the view changed.
    var onNoteChanged: (@MainActor () -> Void)?
    /// Called when a decoded picture is handed to the picture view (the trace).
    var onPictureShown: (@MainActor (DecodedPicture) -> Void)?
    /// Called when the shown page changes.
    var onPageChanged: (@MainActor (Page) -> Void)?
    private var switching = false

    init(text: Widget, header: HeaderBar) {
        stack.add(text, name: Page.text.rawValue, title: tr("Text"))
        stack.add(hex, name: Page.hex.rawValue, title: tr("Hex"))
        let picturePage = Box(vertical: true, spacing: 6)
        pictureStatus.setAccessibleName(tr("Picture status"))
        pictureStatus.setWrap(true)
        pictureStatus.setSelectable(true)
        picturePage.add(pictureStatus)
        picturePage.add(picture, expand: true)
        stack.add(picturePage, name: Page.picture.rawValue, title: tr("Picture"))
        hex.textWidget.setAccessibleName(tr("Hex dump"))
        picture.setAccessibleName(tr("Picture"))
        picture.onZoomChanged = { [weak self] percent, fitted in
            self?.picture.setAccessibleDescription(fitted
                ? tr("zoom {percent} %, fitted to the window").filling(["percent": "\(percent)"])
                : tr("zoom {percent} %").filling(["percent": "\(percent)"]))
        }
        let switcher = stack.switcher()
        switcher.setAccessibleName(tr("View"))
        header.packStart(switcher)
        stack.onChange = { [weak self] name in self?.pageChanged(name) }
    }

    var page: Page { stack.visibleName.flatMap(Page.init(rawValue:)) ?? .text }

    /// Shows a new load (nil: a message about the segment, in the text view).
    func show(_ content: LoadedContent?) {
        // Hiding the picture page moves the stack to another page: not the user's choice.
        switching = true
        defer { switching = false }
        loaded = content
        pictureFacts = nil
        decoder.cancel()
        picture.show(nil)
        guard let content else {
            stack.setVisible(Page.picture.rawValue, false)
            switchTo(.text)
            return
        }
        let bytes = content.bytes
        showHex(bytes)
        if case .picture(let format) = content.kind {
            stack.setVisible(Page.picture.rawValue, true)
            pictureStatus.text = Messages.pictureDecoding(format: format)
            pictureStatus.setVisible(true)
            decoder.decode(bytes, loaderType: format.loaderType, isVector: format.isVector) { [weak self] decoded in
                self?.decoded(decoded, format: format)
            }
        } else {
            stack.setVisible(Page.picture.rawValue, false)
        }
        switchTo(preferred[Self.kindKey(content.kind)] ?? Self.ownPage(content.kind))
        updateNote()
    }

    /// Whether a load of `kind` can be shown from its start alone (a preview): in the text or the
    /// hex view, not as a picture, which is decoded from all of its bytes.
    func showsPreview(of kind: ContentKind) -> Bool {
        if case .picture = kind { return false }
        return (preferred[Self.kindKey(kind)] ?? Self.ownPage(kind)) != .picture
    }

    /// The whole payload of the preview shown: the hex view shows all of it; the page stays.
    func complete(_ content: LoadedContent) {
        guard loaded?.isPreview == true, showsPreview(of: content.kind) else { return }
        loaded = content
        showHex(content.bytes)
    }

    /// The hex view's rows, made from `bytes` as they scroll into view.
    private func showHex(_ bytes: [UInt8]) {
        let digits = HexDump.offsetDigits(byteCount: bytes.count)
        hex.show(byteCount: bytes.count, offsetDigits: digits) { row in
            bytes.withUnsafeBytes { HexDump.row($0, row: row, offsetDigits: digits) }
        }
    }

    private static func kindKey(_ kind: ContentKind) -> String {
        switch kind {
        case .text: "text"
        case .picture: "picture"
        case .binary: "binary"
        }
    }

    private static func ownPage(_ kind: ContentKind) -> Page {
        switch kind {
        case .text: .text
        case .picture: .picture
        case .binary: .hex
        }
    }

    private func switchTo(_ page: Page) {
        let wasSwitching = switching
        switching = true
        stack.visibleName = page.rawValue
        switching = wasSwitching
        focusPage()
        onPageChanged?(page)
    }

    private func pageChanged(_ name: String) {
        guard let page = Page(rawValue: name) else { return }
        if !switching, let loaded {
            preferred[Self.kindKey(loaded.kind)] = page
            focusPage()
            onPageChanged?(page)
        }
        updateNote()
    }

    private func focusPage() {
        switch page {
        case .hex: hex.focus()
        case .picture: picture.focus()
        case .text: break
        }
    }

    private func decoded(_ decoded: DecodedPicture, format: PictureFormat) {
        picture.show(decoded.isDrawable ? decoded : nil)
        var problem = decoded.problem
        if problem == nil, decoded.isDrawable, let bytes = loaded?.bytes, !PictureHeader.isComplete(bytes, format: format) {
            problem = .partial(Messages.pictureCutShort())
        }
        switch problem {
        case nil:
            pictureStatus.text = ""
            pictureStatus.setVisible(false)
        case .noLoader:
            pictureStatus.text = Messages.pictureNoLoader(format: format)
        case .tooLarge(let width, let height, let budget):
            pictureStatus.text = Messages.pictureTooLarge(format: format, width: width, height: height, budget: budget)
        case .undecodable(let reason):
            pictureStatus.text = Messages.pictureUndecodable(format: format, reason: reason)
        case .partial(let reason):
            pictureStatus.text = Messages.picturePartial(format: format, reason: reason)
        }
        if problem != nil { pictureStatus.setVisible(true) }
        pictureFacts = (format, decoded)
        updateNote()
        onPictureShown?(decoded)
    }

    private var pictureFacts: (PictureFormat, DecodedPicture)?

    private func updateNote() {
        let old = note
        note = nil
        if let loaded {
            switch (page, loaded.kind) {
            case (.picture, .picture(let format)):
                if let (decodedFormat, decoded) = pictureFacts, decodedFormat == format, decoded.declaredWidth > 0 {
                    note = decoded.declaredWidth != decoded.width && format.isVector
                        ? Messages.pictureScaled(format: format, width: decoded.declaredWidth, height: decoded.declaredHeight,
                                                 shownWidth: decoded.width, shownHeight: decoded.height)
                        : Messages.pictureInfo(format: format, width: decoded.declaredWidth, height: decoded.declaredHeight)
                } else {
                    note = format.name
                }
            case (.hex, .binary):
                note = Messages.binaryInfo()
            case (.hex, _):
                note = Messages.shownAsHex()
            default:
                note = nil
            }
        }
        if note != old { onNoteChanged?() }
    }
}
