import CGLib
import Foundation
// The fuzz harness (Tests/reliability/fuzz) compiles this file with Localization.swift in one module.
#if canImport(Localization)
import Localization
#endif

/// What the viewer's two widgets show for a snapshot: the text (always valid UTF-8, capped) and the
/// `Segment` info line. Pure: computed outside the lock from the snapshot's private copy.
public struct DisplayText: Sendable, Equatable {
    /// Valid UTF-8 for the text view: invalid sequences and NUL bytes become U+FFFD (`g_utf8_make_valid`).
    public var text: String
    /// The `Segment` label: key, segment size and what is shown.
    public var info: String
    /// `info` without what it says about the text's display (a shown prefix, folds, breaks): the
    /// Segment line of the same bytes shown as a picture or as hex.
    public var facts: String { factsInfo ?? info }
    private var factsInfo: String?
    /// Only the first `limit` bytes of the payload are in `text`.
    public var isCapped: Bool
    /// Lines of the shown text over the fold limit: `text` has them cut into display paragraphs
    /// joined by U+2029 (`LineFolding`), and `info` says so.
    public var foldedLines = 0
    /// U+200B break opportunities `text` has that the file has not (`LineFolding.breaks`), and `info` says so.
    public var addedBreaks = 0
    /// The loaded file's name (framed segments; the seed format has none): the viewer's title and
    /// what its syntax highlighting is guessed from.
    public var fileName: String?
    /// `text` is a message about the segment (nothing loaded, a damaged header), not its content.
    public var isMessage = false
    /// Which bytes of the payload each character of `text` shows (empty for a message): copy and
    /// search go through it to the file's own bytes.
    public var map = DisplayMap()

    /// Payloads beyond this many bytes are shown up to it, so that the window never freezes.
    public static let defaultLimit = 4 << 20
    public static var emptyMessage: String { tr("No file loaded yet, please use sharedmemory_loader to load one.") }

    /// At most this many lines are shown: GtkTextView's work on a resize, a replacement or the
    /// insertion grows with the number of lines (4 Mi newlines: a resize stalls 275 ms, replacing
    /// them 1.5 s, inserting them 1.6 s; docs/PERFORMANCE.md, "Hard text").
    public static let defaultLineLimit = 500_000

    public init(snapshot: Snapshot, key: String, segmentSize: Int, limit: Int = DisplayText.defaultLimit,
                foldLimit: Int = LineFolding.defaultLimit, lineLimit: Int = DisplayText.defaultLineLimit) {
        let head = tr("Key {key} · segment {size}").filling(["size": Self.bytes(segmentSize), "key": key])
        if let problem = snapshot.problem {
            text = tr("The segment holds a damaged header, so its content cannot be shown.\n\n{problem}.").filling(["problem": problem])
            info = tr("{head} · damaged header: {problem}").filling(["head": head, "problem": problem])
            isCapped = false
            isMessage = true
            return
        }
        if snapshot.isEmpty {
            text = Self.emptyMessage
            info = tr("{head} · nothing loaded yet").filling(["head": head])
            isCapped = false
            isMessage = true
            return
        }
        // The payload may be only the start of what the segment holds (the reader's copy limit).
        let stored = snapshot.storedLength
        let byteCut = Self.utf8Prefix(snapshot.payload, limit: limit)
        let shown = Self.linePrefix(snapshot.payload, end: byteCut, lines: lineLimit)
        let folding = LineFolding(Self.repaired(snapshot.payload[0..<shown]), limit: foldLimit)
        map = snapshot.payload.withUnsafeBufferPointer { DisplayMap(source: UnsafeBufferPointer(rebasing: $0[0..<shown]), insertions: folding.insertions) }
        text = folding.text
        foldedLines = folding.foldedLines
        addedBreaks = folding.breaks
        isCapped = shown < stored
        var parts = [head]
        switch snapshot.format {
        case .framed:
            fileName = snapshot.fileName
            // The file name last: filling goes in order, so a name holding "{size}" stays as it is.
            let values: KeyValuePairs = ["size": ByteCount.formatExact(stored), "time": snapshot.loadTime.map(Self.clock) ?? "",
                                         "name": snapshot.fileName ?? tr("unnamed file")]
            parts.append(snapshot.loadTime == nil ? tr("{name}, {size}").filling(values) : tr("{name}, {size}, loaded at {time}").filling(values))
        case .seed:
            parts.append(tr("text written in the seed format (no file name), {size}").filling(["size": ByteCount.formatExact(stored)]))
        case .qtImage:
            parts.append(tr("a picture in the layout of Qt's image example (no file name), {size}").filling(["size": ByteCount.formatExact(stored)]))
        }
        if snapshot.isTruncated {
            parts.append(tr("truncated: {stored} of {total} bytes fit in the segment")
                .filling(["stored": "\(stored)", "total": "\(snapshot.originalSize)"]))
        }
        factsInfo = parts.joined(separator: " · ")
        if shown < byteCut {
            parts.append(tr("showing the first {lines} lines ({shown}) of {stored}: the view holds at most {lines} lines")
                .filling(["lines": Self.grouped(lineLimit), "shown": Self.bytes(shown), "stored": Self.bytes(stored)]))
        } else if isCapped {
            parts.append(tr("showing the first {shown} of {stored}").filling(["shown": Self.bytes(shown), "stored": Self.bytes(stored)]))
        }
        if folding.foldedLines > 0 {
            // The count is grouped ("12,345"), so trn's own {count} is replaced by the grouped form first.
            let sentence = trn("{lines} line over {limit} characters folded for display (a tab, an emoji or a combining mark stacked on another counts as {weight}; {breaks} breaks added)",
                               "{lines} lines over {limit} characters folded for display (a tab, an emoji or a combining mark stacked on another counts as {weight}; {breaks} breaks added)",
                               folding.foldedLines)
            parts.append(sentence.filling(["lines": Self.grouped(folding.foldedLines), "limit": Self.grouped(foldLimit),
                                           "weight": "\(LineFolding.heavyWeight)", "breaks": Self.grouped(folding.folds)]))
        }
        if folding.breaks > 0 {
            let sentence = trn("{breaks} invisible break opportunity (zero width space) added inside runs of over {run} letters or digits, so that wrapping draws no hyphen",
                               "{breaks} invisible break opportunities (zero width spaces) added inside runs of over {run} letters or digits, so that wrapping draws no hyphen",
                               folding.breaks)
            parts.append(sentence.filling(["breaks": Self.grouped(folding.breaks), "run": "\(LineFolding.breakRun)"]))
        }
        info = parts.joined(separator: " · ")
    }

    /// Repairs bytes into a String the way GTK accepts: `g_utf8_make_valid` replaces each invalid
    /// byte and each NUL with U+FFFD, so the result has no interior NUL and `String(cString:)` is exact.
    public static func repaired<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if bytes.isEmpty { return "" }
        if let text = bytes.withContiguousStorageIfAvailable(repaired(buffer:)) { return text }
        return Array(bytes).withUnsafeBufferPointer(repaired(buffer:))
    }

    private static func repaired(buffer: UnsafeBufferPointer<UInt8>) -> String {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return "" }
        return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
            // Usual case, valid UTF-8 without NUL (g_utf8_validate with a length rejects NUL):
            // one copy, straight into the String, instead of a repaired copy and then the String.
            if g_utf8_validate(chars, buffer.count, nil) != 0 { return String(decoding: buffer, as: UTF8.self) }
            let fixed = g_utf8_make_valid(chars, buffer.count)
            defer { g_free(fixed) }
            return String(cString: fixed!)
        }
    }

    /// The length of the first `lines` lines of bytes[0..<end] (through the `lines`-th newline), or
    /// `end` if they are fewer.
    static func linePrefix(_ bytes: [UInt8], end: Int, lines: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, lines > 0 else { return end }
            var position = 0
            for _ in 0..<lines {
                guard position < end, let newline = memchr(base + position, 0x0A, end - position) else { return end }
                position = UnsafeRawPointer(newline) - UnsafeRawPointer(base) + 1
            }
            return position
        }
    }

    /// The largest count <= limit that does not end inside a UTF-8 character.
    static func utf8Prefix(_ bytes: [UInt8], limit: Int) -> Int {
        guard bytes.count > limit else { return bytes.count }
        var end = limit
        // Step back over at most 3 continuation bytes to the start of the cut character.
        var steps = 0
        while end > 0, steps < 3, bytes[end] & 0xC0 == 0x80 { end -= 1; steps += 1 }
        return end
    }

    /// A size as people read it ("1.0 MiB", "512 bytes"), whatever it divides by: `ByteCount`, the
    /// one formatting of sizes that the windows and the ctl share.
    static func bytes(_ count: Int) -> String { ByteCount.format(count) }

    /// 12345 -> "12,345".
    static func grouped(_ number: Int) -> String {
        let digits = Array(String(number))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }
}
