import GtkSupport
import Localization
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
    private let content = TextView(monospace: true)
    /// The segment, read on a thread of its own: nothing here waits for its lock.
    private let reader: BackgroundReader<PreparedDisplay>
    private var isWokenByWriters = false
    private let options: ViewerOptions
    private var timer: MainLoop.Source?
    private var timerPeriod: UInt32 = 0
    private var closed = false
    private var shownInfo = ""
    /// Said after the Segment line's facts when another viewer already showed this key at start-up.
    private var sharingNote: String?
    private var failure: String?
    private let trace: ViewerTrace?
    /// Non-zero when the segment could not be opened.
    private(set) var exitStatus: Int32 = 0

    init(application: Application, options: ViewerOptions) {
        self.options = options
        trace = options.trace ? ViewerTrace() : nil
        let key = options.key
        reader = BackgroundReader(key: key, size: options.size, nativeKey: options.ipcKey) { snapshot, segmentSize in
            Self.display(snapshot, key: key, segmentSize: segmentSize)
        }
        window = Window(application: application, title: tr("Shared Memory"), width: 720, height: 520,
                        iconName: "org.sharedmemorygtk.Viewer", iconFile: SourceTree.iconFile)

        info.setAccessibleName(tr("Segment"))
        info.setSelectable(true)
        info.setWrap(true)
        info.limitLines(3)   // a long name or key keeps the window's size; the tooltip has it all
        content.setAccessibleName(tr("File content"))

        let column = Box(vertical: true, spacing: 8)
        column.setMargins(12)
        column.add(info)
        column.add(ScrolledWindow(content), expand: true)
        window.setChild(column)
        if let trace {
            window.onFirstMapEvent { trace.mapped() }
            content.onVerticalScroll { trace.scrolled(atEnd: $0, moved: $1) }
        }

        open()
    }

    /// The text has the focus, so arrow keys and Page Down scroll it.
    func present() { window.present(focus: content) }

    /// Stops polling and detaches; the last user removes the segment and its key file.
    func finish() {
        closed = true
        timer?.remove()
        timer = nil
        // Stops and joins the waiter thread, then detaches; a running open or poll is waited for
        // a few seconds at most.
        reader.close()
    }

    /// Opens on the reader's thread: creating or attaching may wait for the lock. Results come back
    /// through the main loop.
    private func open() {
        info.text = tr("Key {key} · opening the segment…").filling(["key": options.key])
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
                .filling(["key": options.key, "error": "\(error)"])
            Console.error("sharedmemory: \(message)")  // notr: the program name before a translated message
            info.text = tr("Key {key} · not attached").filling(["key": options.key])
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
                .filling(["key": options.key, "size": size.localizedDigits]))
            info.text = shownInfo   // before the first poll's render: handed over in that order
            schedulePolling()
        }
    }

    /// The fast period unless writers wake us, or while the last poll failed. Re-armed only when
    /// the period changes. A tick only asks the reader's thread for a poll: it never waits.
    private func schedulePolling() {
        let slow = isWokenByWriters || failure != nil
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
        if let content = update.content {
            failure = nil
            render(content.display, generation: content.generation, storedLength: content.storedLength,
                   started: content.started)
        }
        if let message = update.failure {
            if message != failure {
                failure = message
                Console.error("sharedmemory: \(message)")  // notr: the program name before a translated message
                info.text = tr("{info}\nCannot read the segment: {problem}").filling(["info": shownInfo, "problem": message])
            }
        } else {
            clearFailure()
        }
        if let recovery = update.recovery { reportRecovery(recovery) }
        if update.otherViewerLeft, let note = sharingNote {
            // The first viewer ended: this one no longer shares the key.
            sharingNote = nil
            shownInfo = shownInfo.replacing(" · " + note, with: "")
            if failure == nil { info.text = shownInfo }
        }
    }

    /// Says so when a poll had to make the segment again (ipcrm, a deleted key file): what was
    /// shown is gone, and loaders now write to the new segment.
    private func reportRecovery(_ reason: String) {
        let note = tr("segment made again ({reason})").filling(["reason": reason])
        Console.error("sharedmemory: \(note)")  // notr: the program name before a translated message
        shownInfo += " · " + note
        info.text = shownInfo
    }

    /// The Segment line's facts, then the note about another viewer of this key, if any.
    private func withSharingNote(_ facts: String) -> String {
        sharingNote.map { facts + " · " + $0 } ?? facts
    }

    private func clearFailure() {
        guard failure != nil else { return }
        failure = nil
        info.text = shownInfo
    }

    /// The display value of a snapshot: made on the reader's thread, after the poll unlocked, from
    /// its private copy (repair, folding), whose payload is freed as soon as the text is decoded.
    /// Timed for the trace's first-chunk line.
    nonisolated static func display(_ snapshot: Snapshot, key: String, segmentSize: Int) -> PreparedDisplay {
        let start = MainLoop.monotonicMicroseconds
        let display = DisplayText(snapshot: snapshot, key: key, segmentSize: segmentSize)
        return PreparedDisplay(display: display, startedAt: start, microseconds: MainLoop.monotonicMicroseconds - start)
    }

    /// Shows a display value made on the reader's thread. The closures keep only small values.
    private func render(_ prepared: PreparedDisplay, generation: UInt64?, storedLength: Int, started: Int64) {
        let display = prepared.display
        shownInfo = withSharingNote(display.info)
        info.text = shownInfo
        guard let trace else { return content.setText(display.text) }

        let generation = generation.map(String.init) ?? "seed"
        let bytes = storedLength
        let shown = display.text.utf8.count
        trace.renderStarted(generation: generation, at: started)
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
}

/// A display value and what making it cost, on the reader's thread (for `--trace`).
struct PreparedDisplay: Sendable {
    let display: DisplayText
    /// When it was started and how long it took, in `g_get_monotonic_time` microseconds.
    let startedAt: Int64
    let microseconds: Int64
}
