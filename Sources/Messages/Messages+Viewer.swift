import Foundation
import Localization
import SharedFile
import SharedMemory

extension Messages {
    /// The text view's words for a segment that holds no content to show.
    public static func contentMessage(_ content: SegmentFacts.Content) -> String {
        switch content {
        case .damaged(let problem):
            return tr("The segment holds a damaged header, so its content cannot be shown.\n\n{problem}.")
                .filling(["problem": headerProblem(problem)])
        default:
            return emptyMessage
        }
    }

    /// What the viewer shows while no file has been loaded.
    public static var emptyMessage: String { tr("No file loaded yet, please use sharedmemory_loader to load one.") }

    /// The viewer's Segment line, in a few words: what the segment holds and how it is shown. The
    /// key is the header bar's subtitle, the rest is in `segmentDetail` (the line's tooltip).
    public static func segmentLine(_ facts: SegmentFacts) -> String {
        switch facts.content {
        case .damaged(let problem):
            return tr("damaged header: {problem}").filling(["problem": headerProblem(problem)])
        case .nothingLoaded:
            return tr("nothing loaded yet")
        case .file(let name, let stored, let loadTime):
            return ([fileFacts(name, ByteCount.format(stored), loadTime)] + shownParts(facts, stored: stored, detailed: false))
                .joined(separator: " · ")
        case .seed(let stored):
            let what = tr("text written in the seed format (no file name), {size}").filling(["size": ByteCount.format(stored)])
            return ([what] + shownParts(facts, stored: stored, detailed: false)).joined(separator: " · ")
        case .qtImage(let stored):
            let what = tr("a picture in the layout of Qt's image example (no file name), {size}").filling(["size": ByteCount.format(stored)])
            return ([what] + shownParts(facts, stored: stored, detailed: false)).joined(separator: " · ")
        }
    }

    /// The same facts in full, for the Segment line's tooltip and accessible description: the key
    /// and the segment's size, the exact byte count, how the long lines were folded.
    public static func segmentDetail(_ facts: SegmentFacts) -> String {
        let head = tr("Key {key} · segment {size}").filling(["size": ByteCount.format(facts.segmentSize), "key": facts.key])
        switch facts.content {
        case .damaged(let problem):
            return tr("{head} · damaged header: {problem}").filling(["head": head, "problem": headerProblem(problem)])
        case .nothingLoaded:
            return tr("{head} · nothing loaded yet").filling(["head": head])
        case .file(let name, let stored, let loadTime):
            return ([head, fileFacts(name, ByteCount.formatExact(stored), loadTime)] + shownParts(facts, stored: stored, detailed: true))
                .joined(separator: " · ")
        case .seed(let stored):
            let what = tr("text written in the seed format (no file name), {size}").filling(["size": ByteCount.formatExact(stored)])
            return ([head, what] + shownParts(facts, stored: stored, detailed: true)).joined(separator: " · ")
        case .qtImage(let stored):
            let what = tr("a picture in the layout of Qt's image example (no file name), {size}").filling(["size": ByteCount.formatExact(stored)])
            return ([head, what] + shownParts(facts, stored: stored, detailed: true)).joined(separator: " · ")
        }
    }

    private static func fileFacts(_ name: String?, _ size: String, _ loadTime: Date?) -> String {
        // The file name last: filling goes in order, so a name holding "{size}" stays as it is.
        let values: KeyValuePairs = ["size": size, "time": loadTime.map(clock) ?? "", "name": name.map(DisplayName.shown) ?? tr("unnamed file")]
        return loadTime == nil ? tr("{name}, {size}").filling(values) : tr("{name}, {size}, loaded at {time}").filling(values)
    }

    private static func shownParts(_ facts: SegmentFacts, stored: Int, detailed: Bool) -> [String] {
        var parts: [String] = []
        if let total = facts.truncatedFrom {
            parts.append(tr("truncated: {stored} of {total} bytes fit in the segment")
                .filling(["stored": stored.localizedDigits, "total": total.localizedDigits]))
        }
        switch facts.shown {
        case .all: break
        // `where` binds to one pattern only: each pattern has its own (a `.firstLines` without counts crashed here).
        case .firstLines where !detailed && facts.shownLines != nil && facts.totalLines != nil,
             .firstBytes where !detailed && facts.shownLines != nil && facts.totalLines != nil:
            parts.append(tr("showing lines 1 to {shown} of {total}")
                .filling(["shown": facts.shownLines!.localizedDigits, "total": facts.totalLines!.localizedDigits]))
        case .firstLines(let lines, let bytes):
            parts.append(tr("showing the first {lines} lines ({shown}) of {stored}: the view holds at most {lines} lines")
                .filling(["lines": lines.localizedDigits, "shown": ByteCount.format(bytes), "stored": ByteCount.format(stored)]))
        case .firstBytes(let bytes):
            parts.append(tr("showing the first {shown} of {stored}").filling(["shown": ByteCount.format(bytes), "stored": ByteCount.format(stored)]))
        }
        if !detailed {
            if facts.foldedLines > 0 { parts.append(tr("long lines wrapped for display")) }
            return parts
        }
        if facts.foldedLines > 0 {
            let sentence = trn("{lines} line over {limit} characters folded for display (a tab, an emoji or a combining mark stacked on another counts as {weight}; {breaks} breaks added)",
                               "{lines} lines over {limit} characters folded for display (a tab, an emoji or a combining mark stacked on another counts as {weight}; {breaks} breaks added)",
                               facts.foldedLines)
            parts.append(sentence.filling(["lines": facts.foldedLines.localizedDigits, "limit": facts.foldLimit.localizedDigits,
                                           "weight": "\(LineFolding.heavyWeight)", "breaks": facts.folds.localizedDigits]))
        }
        if facts.addedBreaks > 0 {
            let sentence = trn("{breaks} invisible break opportunity (zero width space) added inside runs of over {run} letters or digits, so that wrapping draws no hyphen",
                               "{breaks} invisible break opportunities (zero width spaces) added inside runs of over {run} letters or digits, so that wrapping draws no hyphen",
                               facts.addedBreaks)
            parts.append(sentence.filling(["breaks": facts.addedBreaks.localizedDigits, "run": "\(LineFolding.breakRun)"]))
        }
        return parts
    }

    /// Why a framed header cannot be true, in words.
    public static func headerProblem(_ problem: HeaderProblem) -> String {
        switch problem {
        case .segmentTooSmall(let segmentSize, let headerSize):
            return trn("the segment ({count} byte) is smaller than a framed header ({header} bytes)",
                       "the segment ({count} bytes) is smaller than a framed header ({header} bytes)", segmentSize)
                .filling(["header": headerSize.localizedDigits])
        case .unknownVersion(let found, let supported):
            return tr("unknown format version {version} (this viewer reads version {supported})")
                .filling(["version": "\(found)", "supported": "\(supported)"])
        case .headerSize(let found, let expected):
            return tr("header size {found}, expected {expected}").filling(["found": "\(found)", "expected": "\(expected)"])
        case .payloadTooLong(let length, let capacity):
            return trn("payload length {length} exceeds the segment's capacity of {count} byte",
                       "payload length {length} exceeds the segment's capacity of {count} bytes", Int(clamping: capacity))
                .filling(["length": length.localizedDigits])
        case .originalSizeTooSmall(let originalSize, let payloadLength):
            return trn("original size {size} is smaller than the payload ({count} byte)",
                       "original size {size} is smaller than the payload ({count} bytes)", Int(clamping: payloadLength))
                .filling(["size": originalSize.localizedDigits])
        case .nameTooLong(let length, let limit):
            return trn("file name length {length} exceeds {count} byte", "file name length {length} exceeds {count} bytes", limit)
                .filling(["length": "\(length)"])
        }
    }

    /// Why the viewer cannot read its segment right now (`key`: the segment's key).
    public static func pollFailure(_ failure: PollFailure, key: String) -> String {
        switch failure {
        case .segment(let error): return error.message
        case .remakeFailed(let reason, let error):
            return tr("The segment for key \"{key}\" is unreachable: {reason}; making it again failed (retrying): {error}")
                .filling(["key": DisplayName.shown(key), "reason": reason, "error": error])
        case .madeAgain(let reason):
            return tr("The segment for key \"{key}\" was made again: {reason}").filling(["key": DisplayName.shown(key), "reason": reason])
        }
    }

    /// Why a Save As could not read the segment.
    static func readFailure(_ failure: PollFailure) -> String {
        switch failure {
        case .segment(let error): error.message
        case .remakeFailed(let reason, _), .madeAgain(let reason): reason
        }
    }

    private static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"  // notr: a date format
        return formatter.string(from: date)
    }
}
