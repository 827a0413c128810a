import GtkSupport
import SharedFile

/// The viewer window: an info line and the segment's content, refreshed when a writer wakes the
/// viewer (framed segments) and by a polling timeout.
@MainActor
final class ViewerWindow {
    /// Poll period while nothing wakes us (a seed-format segment: Qt writers never do): well under
    /// the 50 ms budget; an unchanged segment costs a lock and a compare, no copy and no redraw.
    static let fastPollMilliseconds: UInt32 = 25
    /// Poll period while writers wake us through the segment's wake word: a safety net only (for a
    /// writer that does not wake, e.g. a Qt loader wiping our header), so an idle viewer stays asleep.
    static let safetyPollMilliseconds: UInt32 = 500

    private let window: Window
    private let info = Label()
    private let content = TextView(monospace: true)
    private let reader: SegmentReader
    private let options: ViewerOptions
    private var timer: MainLoop.Source?
    private var timerPeriod: UInt32 = 0
    private var closed = false
    private var shownInfo = ""
    private var failure: String?
    /// Recoveries already reported: the segment was removed behind our back and made again.
    private var reportedRecoveries = 0
    private let trace: ViewerTrace?
    /// Non-zero when the segment could not be opened.
    private(set) var exitStatus: Int32 = 0

    init(application: Application, options: ViewerOptions) {
        self.options = options
        trace = options.trace ? ViewerTrace() : nil
        reader = SegmentReader(key: options.key, size: options.size)
        window = Window(application: application, title: "Shared Memory", width: 720, height: 520,
                        iconName: "org.sharedmemorygtk.Viewer", iconFile: SourceTree.iconFile)

        info.setAccessibleName("Segment")
        info.setSelectable(true)
        info.setWrap(true)
        content.setAccessibleName("File content")

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
    func close() {
        closed = true
        timer?.remove()
        timer = nil
        reader.close()   // stops and joins the waiter thread before detaching
    }

    private func open() {
        do {
            try reader.open()
        } catch {
            let message = "Unable to create or attach to the shared memory segment \"\(options.key)\":\n\(error)"
            Console.error("sharedmemory: \(message)")
            info.text = "Key \(options.key) · not attached"
            content.setText(message)
            exitStatus = 1
            return
        }
        info.text = "Key \(options.key) · segment \(reader.segmentSize) bytes"
        content.setText(DisplayText.emptyMessage)
        // The waiter thread only hands over: the poll itself runs here, on the GTK thread.
        let waker = MainLoopWaker { [weak self] in self?.poll() }
        reader.startWaiter { waker.wake() }
        schedulePolling()
    }

    /// The fast period unless writers wake us, or while the last poll failed (a writer holding the
    /// lock costs each poll its 20 ms wait on this thread: at 25 ms that would be most of the time).
    /// Re-armed only when the period changes.
    private func schedulePolling() {
        let slow = reader.isWokenByWriters || failure != nil
        let period = slow ? Self.safetyPollMilliseconds : Self.fastPollMilliseconds
        guard period != timerPeriod, !closed else { return }
        timer?.remove()
        timerPeriod = period
        timer = MainLoop.addTimeout(milliseconds: period) { [weak self] in
            self?.poll()
            return self != nil
        }
    }

    private func poll() {
        guard !closed else { return }   // a wake queued before close()
        defer { schedulePolling() }
        let started = MainLoop.monotonicMicroseconds
        switch reader.poll() {
        case .unchanged:
            clearFailure()
        case .changed(let snapshot):
            failure = nil
            render(snapshot, started: started)
            reportRecovery()
        case .failed(let message):
            guard message != failure else { return }
            failure = message
            Console.error("sharedmemory: \(message)")
            info.text = shownInfo + "\nCannot read the segment: " + message
        }
    }

    /// Says so when `poll()` had to make the segment again (ipcrm, a deleted key file): what was
    /// shown is gone, and loaders now write to the new segment.
    private func reportRecovery() {
        guard reader.recoveryCount != reportedRecoveries else { return }
        reportedRecoveries = reader.recoveryCount
        let note = "segment made again (\(reader.lastRecovery ?? "it was removed"))"
        Console.error("sharedmemory: \(note)")
        shownInfo += " · " + note
        info.text = shownInfo
    }

    private func clearFailure() {
        guard failure != nil else { return }
        failure = nil
        info.text = shownInfo
    }

    /// Decoding happens here, after poll() has unlocked, on the private copy. The closures keep
    /// only small values: the snapshot's payload is freed as soon as the text is decoded.
    private func render(_ snapshot: Snapshot, started: Int64) {
        let decodeStart = MainLoop.monotonicMicroseconds
        let display = DisplayText(snapshot: snapshot, key: options.key, segmentSize: reader.segmentSize)
        let displayMicroseconds = MainLoop.monotonicMicroseconds - decodeStart
        shownInfo = display.info
        info.text = display.info
        guard let trace else { return content.setText(display.text) }

        let generation = snapshot.generation.map(String.init) ?? "seed"
        let bytes = snapshot.storedLength
        let shown = display.text.utf8.count
        trace.renderStarted(generation: generation, at: started)
        let content = content
        let setStart = MainLoop.monotonicMicroseconds
        content.setText(display.text, firstChunk: {
            let firstChunkMicroseconds = MainLoop.monotonicMicroseconds - setStart
            content.afterNextPaint {
                trace.firstChunk(generation: generation, bytes: bytes, poll: decodeStart - started,
                                 display: displayMicroseconds, insert: firstChunkMicroseconds)
            }
        }, completion: {
            trace.renderDone(generation: generation, bytes: bytes, shown: shown, started: started)
        })
    }
}
