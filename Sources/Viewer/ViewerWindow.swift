import GtkSupport
import SharedFile

/// The viewer window: an info line and the segment's content, refreshed by a polling timeout.
@MainActor
final class ViewerWindow {
    /// Poll period: well under the 50 ms budget; an unchanged segment costs a lock and a
    /// header compare, no copy and no redraw.
    static let pollMilliseconds: UInt32 = 25

    private let window: Window
    private let info = Label()
    private let content = TextView(monospace: true)
    private let reader: SegmentReader
    private let options: ViewerOptions
    private var timer: MainLoop.Source?
    private var shownInfo = ""
    private var failure: String?
    /// Non-zero when the segment could not be opened.
    private(set) var exitStatus: Int32 = 0

    init(application: Application, options: ViewerOptions) {
        self.options = options
        reader = SegmentReader(key: options.key, size: options.size)
        window = Window(application: application, title: "Shared Memory", width: 720, height: 520,
                        iconName: "org.sharedmemorygtk.Viewer")

        info.setAccessibleName("Segment")
        info.setSelectable(true)
        info.setWrap(true)
        content.setAccessibleName("File content")

        let column = Box(vertical: true, spacing: 8)
        column.setMargins(12)
        column.add(info)
        column.add(ScrolledWindow(content), expand: true)
        window.setChild(column)

        open()
    }

    /// The text has the focus, so arrow keys and Page Down scroll it.
    func present() { window.present(focus: content) }

    /// Stops polling and detaches; the last user removes the segment and its key file.
    func close() {
        timer?.remove()
        timer = nil
        reader.close()
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
        timer = MainLoop.addTimeout(milliseconds: Self.pollMilliseconds) { [weak self] in
            self?.poll()
            return self != nil
        }
    }

    private func poll() {
        let started = MainLoop.monotonicMicroseconds
        switch reader.poll() {
        case .unchanged:
            clearFailure()
        case .changed(let snapshot):
            failure = nil
            render(snapshot, started: started)
        case .failed(let message):
            guard message != failure else { return }
            failure = message
            Console.error("sharedmemory: \(message)")
            info.text = shownInfo + "\nCannot read the segment: " + message
        }
    }

    private func clearFailure() {
        guard failure != nil else { return }
        failure = nil
        info.text = shownInfo
    }

    /// Decoding happens here, after poll() has unlocked, on the private copy.
    private func render(_ snapshot: Snapshot, started: Int64) {
        let display = DisplayText(snapshot: snapshot, key: options.key, segmentSize: reader.segmentSize)
        shownInfo = display.info
        info.text = display.info
        let trace = options.trace
        let shownBytes = display.text.utf8.count
        content.setText(display.text) {
            guard trace else { return }
            let now = MainLoop.monotonicMicroseconds
            let generation = snapshot.generation.map(String.init) ?? "seed"
            Console.error("sharedmemory trace: t_us=\(now) generation=\(generation) bytes=\(snapshot.payload.count) "
                          + "shown=\(shownBytes) render_us=\(now - started)")
        }
    }
}
