import GtkSupport
import Localization
import Messages
import SharedFile

/// The viewer window: an info line and the segment's content, refreshed when a writer wakes the
/// viewer (framed segments) and by a polling timeout.
@MainActor
final class ViewerWindow: AppWindow {
    /// Poll period while nothing wakes us (a seed-format segment: Qt writers never do): well under
    /// the 50 ms budget; an unchanged segment costs a lock and a compare, no copy and no redraw.
    static let fastPollMilliseconds: UInt32 = 25
    /// Poll period while writers wake us through the segment's wake word: a safety net only (for a
    /// writer that does not wake, e.g. a Qt loader wiping our header), so an idle viewer stays asleep.
    static let safetyPollMilliseconds: UInt32 = 500

    private let window: Window
    private let info = Label()
    private let content = SourceView()
    private let header = HeaderBar(windowTitle: tr("Shared Memory"))
    /// The file shown last (its name and a digest of its shown text): the same file loaded again
    /// keeps the scroll position, the same bytes are not inserted again.
    private var shownFile: ShownFile?
    /// The guessed language of the shown text, and whether it is highlighted, for the Segment line.
    private var shownLanguage = ""
    /// The scroll back to where the same file was, until it ran.
    private var restoring: (line: Int32, source: MainLoop.Source)?
    /// Save As… (Ctrl+S) and the find bar (Ctrl+F): ViewerSaving.swift, ViewerSearch.swift.
    private var saving: ViewerSaving!
    private var search: ViewerSearch!
    /// The Text / Hex / Picture views of the load (ViewerContentViews.swift).
    private var views: ViewerContentViews!
    /// The window of a content too large to hold at once, and the scrollbar over all of it.
    private var textWindow: ViewerTextWindow!
    /// The Segment line's facts from the last display value (completed by its line count when
    /// `lines` has it), before the view's note.
    private var displayFacts: SegmentFacts?
    /// What the text view shows: the load's bytes and which of them each character shows (nil: a
    /// message about the segment). Copy and search read the bytes through the map.
    private var shown: (loaded: LoadedContent, map: DisplayMap)?
    /// Says when a copy had to repair bytes that are not valid UTF-8.
    private let copyNote = InfoBar(accessibleName: tr("Copy result"), closeLabel: tr("_Close"))
    /// The segment, read on a thread of its own: nothing here waits for its lock.
    private let reader: BackgroundReader<PreparedDisplay>
    private var isWokenByWriters = false
    private let options: ViewerOptions
    private let shownKey: String
    private var timer: MainLoop.Source?
    private var timerPeriod: UInt32 = 0
    private var closed = false
    private var shownInfo = ""
    /// The Segment line's facts in a few words and in full (its tooltip and accessible description).
    private var shownFacts: (line: String, detail: String)?
    private let lines = LineIndex()
    /// Counts the renders of new bytes: a line count belongs to the one it was started for.
    private var renders = 0
    /// Said after the Segment line's facts when another viewer already showed this key at start-up.
    private var sharingNote: String?
    /// Said after the Segment line's facts from a recovery (the segment made again) until a file is
    /// shown: a later render of the new, empty segment must not hide it.
    private var recoveryNote: String?
    private var failure: PollFailure?
    private let trace: ViewerTrace?
    /// Non-zero when the segment could not be opened.
    private(set) var exitStatus: Int32 = 0

    init(application: Application, options: ViewerOptions) {
        self.options = options
        trace = options.trace ? ViewerTrace() : nil
        // The key as every name is shown (a newline or a U+202E in it splits or reverses no line).
        let shownKey = DisplayName.shown(options.key)
        self.shownKey = shownKey
        reader = BackgroundReader(key: options.key, size: options.size, nativeKey: options.ipcKey,
                                  preview: .standard) { snapshot, segmentSize in
            Self.display(snapshot, key: shownKey, segmentSize: segmentSize)
        }
        window = Window(application: application, title: tr("Shared Memory"), width: 720, height: 520,
                        iconName: "org.sharedmemorygtk.Viewer", iconFile: SourceTree.iconFile)

        header.subtitle = tr("Key {key}").filling(["key": shownKey])
        window.setTitlebar(header)
        info.setAccessibleName(tr("Segment"))
        info.setSelectable(true)
        info.setFocusable(false)   // selectable with the mouse, but no Tab stop: Ctrl+A is the text's
        info.setWrap(true)
        info.limitLines(3)   // a long name or key keeps the window's size; the tooltip has it all
        content.setAccessibleName(tr("File content"))
        saving = ViewerSaving(application: application, window: window, reader: reader, header: header)
        textWindow = ViewerTextWindow(view: content)
        search = ViewerSearch(application: application, view: content, header: header, window: textWindow)
        textWindow.onMapChanged = { [weak self] map in
            guard let self, let loaded = self.shown?.loaded else { return }
            self.shown = (loaded, map)
            self.search.mapChanged(map)
        }

        let column = Box(vertical: true, spacing: 8)
        column.setMargins(12)
        column.add(info)
        column.add(saving.infoBar)
        column.add(copyNote)
        column.add(search.bar)
        views = ViewerContentViews(text: textWindow.container, header: header)
        views.onNoteChanged = { [weak self] in self?.refreshInfo() }
        if let trace {
            views.onPictureShown = { trace.pictureShown(width: $0.width, height: $0.height, decodeMicroseconds: $0.decodeMicroseconds) }
        }
        views.onPageChanged = { [weak self] page in
            self?.search.hexView = page == .hex ? self?.views.hex : nil
            if page == .text {
                self?.showDeferredText()
                self?.textWindow.pageShown()
            }
        }
        column.add(views.stack, expand: true)
        window.setChild(column)
        content.onSchemeChange { [weak self] scheme in self?.schemeChanged(scheme) }
        content.copySelection { [weak self] range, kind in self?.copyText(range, kind) }
        if let trace {
            window.onFirstMapEvent { trace.mapped() }
            search.onSearchStarted = { trace.searchStarted() }
            textWindow.onSwapped = { trace.windowSwapped(range: $0, goal: $1) }
            views.hex.onScrolled = { trace.scrolled(atEnd: $0, moved: true) }
            views.stack.onSizeChanged { trace.resized(width: $0, height: $1) }
            search.onSearchDone = { trace.searchDone(bytes: $0, needle: $1, matches: $2, microseconds: $3) }
            // A window's end is the content's only for the last window.
            content.onVerticalScroll { [weak self] atEnd, moved in
                trace.scrolled(atEnd: atEnd && self?.textWindow.showsContentEnd != false, moved: moved)
            }
        }

        open()
    }

    /// The text has the focus, so arrow keys and Page Down scroll it.
    func present() {
        window.present(focus: content)
        // The slow definitions, parsed from low-priority idle calls once the window is drawn.
        if let trace { LanguageDefinitions.shared.onParsed = { trace.languageParsed(id: $0, microseconds: $1) } }
        LanguageDefinitions.shared.prepare(LanguageDefinitions.slowToParse)
    }

    /// Stops polling and detaches; the last user removes the segment and its key file.
    func finish() {
        closed = true
        timer?.remove()
        timer = nil
        restoring?.source.remove()
        restoring = nil
        // Stops and joins the waiter thread, then detaches; a running open or poll is waited for
        // a few seconds at most.
        reader.close()
        saving.finish()
    }

    /// Opens on the reader's thread: creating or attaching may wait for the lock. Results come back
    /// through the main loop.
    private func open() {
        setInfo(tr("Key {key} · opening the segment…").filling(["key": shownKey]))
        reader.open({ [weak self] opened in
            MainLoop.wakeFromAnyThread { self?.opened(opened) }
        }, updated: { [weak self] in
            MainLoop.wakeFromAnyThread { self?.showUpdate() }
        })
    }

    private func opened(_ opened: BackgroundReader<PreparedDisplay>.Opened) {
        guard !closed else { return }
        switch opened {
        case .failed(let error):
            let message = tr("Unable to create or attach to the shared memory segment \"{key}\":\n{error}")
                .filling(["key": shownKey, "error": "\(error)"])
            Console.error("sharedmemory: \(message)")  // notr: the program name before a translated message
            setInfo(tr("Key {key} · not attached").filling(["key": shownKey]))
            content.setText(message)
            exitStatus = 1
        case .opened(let size, let otherViewer):
            if let otherViewer {
                let note = tr("another viewer (pid {pid}) already shows this key; both show the same segment")
                    .filling(["pid": "\(otherViewer)"])
                Console.error("sharedmemory: \(note)")  // notr: the program name before a translated message
                sharingNote = note
            }
            shownInfo = withSharingNote(trn("Key {key} · segment {size} byte", "Key {key} · segment {size} bytes", size)
                .filling(["key": shownKey, "size": size.localizedDigits]))
            setInfo(shownInfo)   // before the first poll's render: handed over in that order
            schedulePolling()
        }
    }

    /// The fast period unless writers wake us, or while the last poll failed. Re-armed only when
    /// the period changes. A tick only asks the reader's thread for a poll: it never waits.
    private func schedulePolling() {
        // A lock refused a moment ago is asked for again soon: the writer that held it may not
        // wake us again (its wake came before its unlock), and waiting 500 ms delayed a first screen.
        let slow = (isWokenByWriters && lockRefusedSince == nil) || failure != nil
        let period = slow ? Self.safetyPollMilliseconds : Self.fastPollMilliseconds
        guard period != timerPeriod, !closed else { return }
        timer?.remove()
        timerPeriod = period
        timer = MainLoop.addTimeout(milliseconds: period) { [weak self] in
            self?.reader.requestPoll()
            return self != nil
        }
    }

    /// What the polls found since the last update, computed on the reader's thread: only the
    /// newest content is rendered, however many changes came meanwhile.
    private func showUpdate() {
        guard !closed, let update = reader.takeUpdate() else { return }   // closed: handed over before finish()
        isWokenByWriters = update.isWokenByWriters
        defer { schedulePolling() }
        if let content = update.content, !isUnshownPreview(content.display) {
            failure = nil
            saving.shownVersion = content.version
            render(content.display, generation: content.generation, storedLength: content.storedLength,
                   started: content.started)
        }
        if let problem = update.failure, isPastPatience(problem) {
            if problem != failure {
                failure = problem
                let message = Messages.pollFailure(problem, key: options.key)
                Console.error("sharedmemory: \(message)")  // notr: the program name before a translated message
                setInfo(tr("{info}\nCannot read the segment: {problem}").filling(["info": shownInfo, "problem": message]))
            }
        } else if update.failure == nil {
            lockRefusedSince = nil
            clearFailure()
        }
        if let recovery = update.recovery { reportRecovery(recovery) }
        if update.otherViewerLeft, let note = sharingNote {
            // The first viewer ended: this one no longer shares the key.
            sharingNote = nil
            shownInfo = shownInfo.replacing(" · " + note, with: "")
            if failure == nil { setInfo(shownInfo) }
        }
    }

    /// Since when polls have not got the lock, nil while they get it.
    private var lockRefusedSince: Int64?
    /// How long the lock may be held before the Segment line says so: a loader writing 512 MiB
    /// holds it for 1.4 s here, and "stop that process if it is stuck" was on screen meanwhile.
    static let lockPatienceMicroseconds: Int64 = 3_000_000

    /// Whether `problem` is to be reported now: a lock not granted is, once it has been refused
    /// for `lockPatienceMicroseconds` (the view shows what it showed meanwhile); others at once.
    private func isPastPatience(_ problem: PollFailure) -> Bool {
        guard case .segment(let error) = problem, error.code == .lockError else { return true }
        let now = MainLoop.monotonicMicroseconds
        let since = lockRefusedSince ?? now
        lockRefusedSince = since
        return now - since >= Self.lockPatienceMicroseconds
    }

    /// A large content's start comes first (`CopyPreview`), so that its first screen does
    /// not wait for the copy of all of it; the whole follows. The text and hex views show a
    /// preview; a picture waits for the whole.
    private func isUnshownPreview(_ prepared: PreparedDisplay) -> Bool {
        prepared.loaded.isPreview && (prepared.display.isMessage || !views.showsPreview(of: prepared.loaded.kind))
    }

    /// The generation whose preview the view shows: its whole payload completes it in place.
    private var shownPreview: UInt64?

    /// The whole payload of the shown preview: copy, search, the line count, the hex view and
    /// window moves read all of it from now on; the view stays where the user is.
    private func complete(_ prepared: PreparedDisplay, generation: UInt64) {
        guard let current = shown else { return }
        shown = (prepared.loaded, current.map)
        textWindow.complete(prepared.loaded)
        views.complete(prepared.loaded)
        deferredText?.prepared = prepared   // the text view, when chosen, shows the whole
        search.contentCompleted(prepared.loaded)
        countLines(prepared.loaded, shownBytes: prepared.display.map.byteCount)
        trace?.completed(generation: String(generation), bytes: prepared.loaded.bytes.count)
    }

    /// Says so when a poll had to make the segment again (ipcrm, a deleted key file): what was
    /// shown is gone, and loaders now write to the new segment.
    private func reportRecovery(_ reason: String) {
        let note = tr("segment made again ({reason})").filling(["reason": reason])
        Console.error("sharedmemory: \(note)")  // notr: the program name before a translated message
        recoveryNote = note
        if displayFacts == nil {
            shownInfo += " · " + note
            if failure == nil { setInfo(shownInfo) }
        } else {
            refreshInfo()
        }
    }

    /// Counts the load's lines off the main loop (`LineIndex`); a view showing only the start of
    /// the content then says which lines it shows, of how many.
    private func countLines(_ loaded: LoadedContent, shownBytes: Int) {
        renders += 1
        let render = renders
        lines.build(loaded.bytes) { [weak self] progress in
            guard progress.isDone else { return }
            let shown = shownBytes == 0 ? 0 : progress.line(containing: shownBytes - 1, in: loaded.bytes) + 1
            MainLoop.wakeFromAnyThread {
                guard let self, !self.closed, self.renders == render, self.displayFacts != nil else { return }
                self.displayFacts?.shownLines = shown
                self.displayFacts?.totalLines = progress.lines
                self.refreshInfo()
            }
        }
    }

    /// Shows `text` on the Segment line; its tooltip and accessible description say the same with
    /// the facts in full.
    private func setInfo(_ text: String) {
        info.setText(text, detail: shownFacts.map { text.replacing($0.line, with: $0.detail) })
    }

    /// The Segment line's facts, then the notes about another viewer of this key and about a
    /// segment made again, if any.
    private func withSharingNote(_ facts: String) -> String {
        [facts, sharingNote, recoveryNote].compactMap { $0 }.joined(separator: " · ")
    }

    private func clearFailure() {
        guard failure != nil else { return }
        failure = nil
        setInfo(shownInfo)
    }

    /// The display value of a snapshot: made on the reader's thread, after the poll unlocked, from
    /// its private copy (repair, folding), whose payload is freed as soon as the text is decoded.
    /// Timed for the trace's first-chunk line.
    nonisolated static func display(_ snapshot: Snapshot, key: String, segmentSize: Int) -> PreparedDisplay {
        let start = MainLoop.monotonicMicroseconds
        var display = DisplayText(snapshot: snapshot, key: key, segmentSize: segmentSize, windowLimits: .standard)
        if let message = display.message { display.text = Messages.contentMessage(message) }
        var digest = Hasher()
        display.text.utf8.withContiguousStorageIfAvailable { digest.combine(bytes: UnsafeRawBufferPointer($0)) }
            ?? digest.combine(display.text)
        return PreparedDisplay(display: display, loaded: LoadedContent(snapshot), digest: digest.finalize(), startedAt: start,
                               microseconds: MainLoop.monotonicMicroseconds - start)
    }

    /// Shows a display value made on the reader's thread. The closures keep only small values.
    /// The same file (by name) loaded again keeps its scroll position; the same bytes too are not
    /// inserted again (selection and search stay); another file starts at the top.
    private func render(_ prepared: PreparedDisplay, generation: UInt64?, storedLength: Int, started: Int64) {
        if let generation, shownPreview == generation, !prepared.loaded.isPreview {
            shownPreview = nil
            return complete(prepared, generation: generation)
        }
        shownPreview = prepared.loaded.isPreview ? generation : nil
        let display = prepared.display
        shown = display.isMessage ? nil : (prepared.loaded, display.map)
        header.title = display.shownFileName
        saving.suggestedName = display.fileName
        let file = ShownFile(name: display.fileName, digest: prepared.digest)
        let sameName = display.fileName != nil && display.fileName == shownFile?.name
        // A windowed text's digest is its first window's: a load of other bytes may share it.
        let sameText = sameName && file == shownFile && !display.isWindowed
        shownFile = file
        let generation = generation.map(String.init) ?? "seed"
        var next = display.facts
        if sameText {   // the same bytes: the same lines
            next.shownLines = displayFacts?.shownLines
            next.totalLines = displayFacts?.totalLines
        }
        displayFacts = next
        if !display.isMessage { recoveryNote = nil }
        defer { refreshInfo() }
        // A preview's lines are counted once the whole is there (`complete`).
        if !sameText, !prepared.loaded.isPreview { countLines(prepared.loaded, shownBytes: display.map.byteCount) }
        if sameText {
            search.contentChanged(shown?.loaded, map: display.map)   // the same text: the search starts again on the new copy
            trace?.renderUnchanged(generation: generation, bytes: storedLength, started: started)
            return
        }
        deferredText = nil   // switching to the Text view below must not show an older load's text
        views.show(display.isMessage ? nil : prepared.loaded)
        guard display.isMessage || views.page == .text else {
            return deferText(prepared, generation: generation, storedLength: storedLength, started: started)
        }
        renderText(prepared, generation: generation, storedLength: storedLength, started: started, sameName: sameName)
    }

    /// The text of a load shown in another view (a picture, binary as hex), kept until the Text view
    /// is chosen: GTK's layout of megabytes of binary as text held the window for a second (a
    /// 36 MB PNG), and its buffer more memory than the picture.
    private var deferredText: (prepared: PreparedDisplay, generation: String, storedLength: Int, started: Int64)?

    private func deferText(_ prepared: PreparedDisplay, generation: String, storedLength: Int, started: Int64) {
        deferredText = (prepared, generation, storedLength, started)
        restoring?.source.remove()
        restoring = nil
        textWindow.show(nil, first: nil)
        content.setText("")
        content.setLanguage(nil, highlight: false)
        shownLanguage = ""
        search.contentChanged(shown?.loaded, map: prepared.display.map)
        guard let trace else { return }
        trace.renderStarted(generation: generation, at: started)
        if case .picture = prepared.loaded.kind { trace.expectPicture() }
        trace.renderDone(generation: generation, bytes: storedLength, shown: 0, started: started)
    }

    /// The Text view was chosen: the deferred text goes in now.
    private func showDeferredText() {
        guard let deferred = deferredText else { return }
        deferredText = nil
        renderText(deferred.prepared, generation: deferred.generation, storedLength: deferred.storedLength,
                   started: MainLoop.monotonicMicroseconds, sameName: false)
        refreshInfo()
    }

    /// The text part of a render: the text view, its language, the search over it, the trace.
    private func renderText(_ prepared: PreparedDisplay, generation: String, storedLength: Int, started: Int64, sameName: Bool) {
        let display = prepared.display
        // After the first chunk is in (below): the language goes to the buffer that holds the new
        // text, not to the old one (a huge old text is swapped out and emptied in slices).
        defer {
            highlight(display)
            search.contentChanged(shown?.loaded, map: display.map)   // after the first chunk is in
        }
        // No line numbers with folds (GtkTextBuffer would number each fold) nor over the highlight
        // limit: the gutter made the render gaps of 4 MiB texts 130-210 ms instead of 45-70
        // (docs/PERFORMANCE.md, "Issue 12"). Set before the insertion, which it slows.
        // A window's lines are not the file's: no numbers on them.
        content.showsLineNumbers = display.foldedLines == 0 && display.text.utf8.count <= options.highlightLimit && !display.isWindowed
        // A large file loaded again goes back to the line the user was at (a small one: below).
        let place = sameName ? textWindow.placeForReload : nil
        textWindow.show(prepared.loaded, first: display.window)
        if let place { textWindow.restore(place) }
        // Another file starts at the top (setText), the same one where it was: from an idle call at
        // the default idle priority, which runs only once the chunked insertion (`afterRedraw`),
        // GTK's line validation and GtkSourceView's highlighting idles are done (`TextView.scroll`).
        // A restore still pending has the line to keep (the view is at the top meanwhile).
        let line = restoring?.line ?? content.topLine
        restoring?.source.remove()
        restoring = nil
        if sameName, line > 0, !display.isWindowed {
            restoring = (line, MainLoop.addIdle(priority: .defaultIdle) { [weak self] in
                self?.restoring = nil
                self?.content.scroll(toLine: line)
                return false
            })
        }
        guard let trace else { return content.setText(display.text) }

        let bytes = storedLength
        let shown = display.text.utf8.count
        trace.renderStarted(generation: generation, at: started)
        if case .picture = prepared.loaded.kind, !display.isMessage { trace.expectPicture() }
        let content = content
        let setStart = MainLoop.monotonicMicroseconds
        content.setText(display.text, firstChunk: {
            let firstChunkMicroseconds = MainLoop.monotonicMicroseconds - setStart
            content.afterNextPaint {
                trace.firstChunk(generation: generation, bytes: bytes, poll: prepared.startedAt - started,
                                 display: prepared.microseconds, insert: firstChunkMicroseconds)
            }
        }, completion: {
            trace.renderDone(generation: generation, bytes: bytes, shown: shown, started: started)
        })
    }

    /// The Segment line: the display's facts, then what the shown view says (a picture's size and
    /// format, "binary") or the text's language.
    private func refreshInfo() {
        guard var facts = displayFacts else { return }
        var suffix = shownLanguage
        if let note = views.note {
            // Another view: what the text view's display did (a shown prefix, folds) does not apply.
            facts.shown = .all
            facts.shownLines = nil
            facts.foldedLines = 0
            facts.addedBreaks = 0
            suffix = " · " + note
        }
        let line = Messages.segmentLine(facts) + suffix
        shownFacts = (line, Messages.segmentDetail(facts) + suffix)
        shownInfo = withSharingNote(line)
        if failure == nil { setInfo(shownInfo) }
    }

    /// Guesses the language from the file's name and first bytes and highlights with it, unless the
    /// text is over the limit (GtkSourceView's analysis of it would stall the window: docs/PERFORMANCE.md).
    private func highlight(_ display: DisplayText) {
        let bytes = display.window?.total ?? display.text.utf8.count
        guard !display.isMessage, let language = SyntaxLanguage.guess(fileName: display.fileName, text: display.text) else {
            content.setLanguage(nil, highlight: false)
            shownLanguage = display.isMessage ? "" : " · " + tr("plain text")
            return describeContent(language: nil)
        }
        // Folded lines are hard text (minified JSON, base64): the folds cut strings and comments,
        // and GtkSourceView's analysis of them stalled scrolling; JSON and Markdown stalled the
        // first screen (docs/PERFORMANCE.md, "Issue 12").
        let rule = HighlightRule.decide(languageId: language.id, bytes: bytes, foldedLines: display.foldedLines,
                                        limit: options.highlightLimit, limitGiven: options.highlightLimitGiven)
        let on = rule == .on
        let setStart = MainLoop.monotonicMicroseconds
        content.setLanguage(language, highlight: on)
        let setMicroseconds = MainLoop.monotonicMicroseconds - setStart
        let values: KeyValuePairs = ["language": language.name, "limit": ByteCount.format(options.highlightLimit)]
        shownLanguage = " · " + {
            switch rule {
            case .on: language.name
            case .overLimit: tr("{language}, highlighting off: over {limit}").filling(values)
            case .folded: tr("{language}, highlighting off: lines folded").filling(values)
            case .slowToDraw: tr("{language}, highlighting off: over {limit} for this language (--highlight-limit sets it)").filling(
                ["language": language.name, "limit": ByteCount.format(HighlightRule.slowToDrawLimit)])
            }
        }()
        describeContent(language: language)
        trace?.language(id: language.id, highlighted: on, microseconds: setMicroseconds)
    }

    private var describedLanguage: SyntaxLanguage?

    /// The text a copy of the selected `range` (display characters) puts on the clipboard: exactly
    /// the file's bytes it shows, not the display's folds; bytes that are not valid UTF-8 (or NUL,
    /// which no clipboard text holds) come out as U+FFFD, and Ctrl+C says so. nil for a message:
    /// GTK copies its text.
    private func copyText(_ range: Range<Int>, _ kind: ClipboardKind) -> String? {
        guard let shown else { return nil }
        return shown.loaded.bytes.withUnsafeBufferPointer { bytes in
            let selected = shown.map.contentByteRange(ofCharacters: range, in: bytes)
            let repaired = shown.map.contentRepairedCount(in: selected)
            // Everything the view holds of a larger content (Ctrl+A in a window): say that it is a part.
            let isPart = shown.map.contentRange != 0..<bytes.count && selected == shown.map.contentRange
            if kind == .clipboard {
                if isPart {
                    copyNote.show(tr("Copied {bytes}, the part of the text held in the view (bytes {first} to {last} of {total}); Save As (Ctrl+S) saves all of it")
                        .filling(["bytes": ByteCount.format(selected.count), "first": (selected.lowerBound + 1).localizedDigits,
                                  "last": selected.upperBound.localizedDigits, "total": bytes.count.localizedDigits]), isError: false)
                } else if repaired > 0 {
                    copyNote.show(trn("Copied {bytes}; {count} byte that is not valid UTF-8 (or a NUL) was copied as U+FFFD",
                                      "Copied {bytes}; {count} bytes that are not valid UTF-8 (or NUL) were copied as U+FFFD", repaired)
                        .filling(["bytes": ByteCount.format(selected.count), "count": repaired.localizedDigits]), isError: false)
                } else {
                    copyNote.hide()
                }
            }
            return DisplayText.repaired(UnsafeBufferPointer(rebasing: bytes[selected]))
        }
    }

    /// The view's accessible description: the language and the style scheme, for screen readers
    /// and the GUI tests.
    private func describeContent(language: SyntaxLanguage?) {
        describedLanguage = language
        guard let scheme = content.scheme else { return }
        content.setAccessibleDescription(tr("{language}; colors: {scheme} ({variant})").filling([
            "language": language?.name ?? tr("plain text"), "scheme": scheme.name,
            "variant": scheme.isDark ? tr("dark") : tr("light"),
        ]))
    }

    private func schemeChanged(_ scheme: SchemeChoice) {
        describeContent(language: describedLanguage)
        trace?.scheme(id: scheme.id, dark: scheme.isDark)
    }
}

/// A display value and what making it cost, on the reader's thread (for `--trace`).
struct PreparedDisplay: Sendable {
    let display: DisplayText
    /// The load's bytes, whole: the one copy the window keeps (copy and search read it).
    let loaded: LoadedContent
    /// A digest of the shown text: the same bytes loaded again need no new insertion.
    let digest: Int
    /// When it was started and how long it took, in `g_get_monotonic_time` microseconds.
    let startedAt: Int64
    let microseconds: Int64
}

/// What the viewer shows: the file's name (nil for the seed format) and a digest of its text.
private struct ShownFile: Equatable {
    let name: String?
    let digest: Int
}
