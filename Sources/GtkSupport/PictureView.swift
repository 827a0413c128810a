import CGtk
import Foundation

/// A decoded picture in a scrolled window, as image viewers show one (Eye of GNOME, Loupe): fitted
/// to the window by default, zoomed with Ctrl++ / Ctrl+- / Ctrl+0 (100 %, again: fit) and
/// Ctrl+scroll around the pointer, a checkerboard behind transparency, animations animated. Zoom is
/// in device pixels, so 100 % is one picture pixel per screen pixel at GDK_SCALE=2 too.
@MainActor
public final class PictureView: Widget {
    private let area: UnsafeMutablePointer<GtkWidget>
    private var picture: DecodedPicture?
    /// nil: fitted to the window (never enlarged past 100 %).
    private var zoom: Double?
    private var iterator: OpaquePointer?
    private var frameTimer: MainLoop.Source?
    private var checker: OpaquePointer?
    /// Called when the zoom changes (the percentage, whether fitted).
    public var onZoomChanged: (@MainActor (Int, Bool) -> Void)?

    public static let zoomStep = 1.25
    public static let largestZoom = 32.0

    public init() {
        area = gtk_drawing_area_new()
        super.init(gtk_scrolled_window_new(nil, nil))
        gtk_container_add(UnsafeMutableRawPointer(widget).assumingMemoryBound(to: GtkContainer.self), area)
        gtk_widget_set_can_focus(area, 1)
        gtk_widget_add_events(area, Int32(GDK_SCROLL_MASK.rawValue | GDK_SMOOTH_SCROLL_MASK.rawValue | GDK_BUTTON_PRESS_MASK.rawValue))
        connectDraw(UnsafeMutableRawPointer(area)) { [weak self] cr in self?.draw(cr) }
        connectScroll(UnsafeMutableRawPointer(area)) { [weak self] delta, x, y, state in
            guard let self, state & GDK_CONTROL_MASK.rawValue != 0, delta != 0 else { return false }
            self.zoom(by: pow(Self.zoomStep, -delta), around: (x, y))
            return true
        }
        connectButton(UnsafeMutableRawPointer(area), "button-press-event") { [weak self] _, _, _, _ in
            self.map { gtk_widget_grab_focus($0.area) }
            return false
        }
        connectKeyPress(UnsafeMutableRawPointer(area)) { [weak self] keyval, state in
            guard let self, state & GDK_CONTROL_MASK.rawValue != 0 else { return false }
            switch Int32(keyval) {
            case GDK_KEY_plus, GDK_KEY_equal, GDK_KEY_KP_Add: self.zoomIn()
            case GDK_KEY_minus, GDK_KEY_KP_Subtract: self.zoomOut()
            case GDK_KEY_0, GDK_KEY_KP_0: self.zoomToActualSize()
            default: return false
            }
            return true
        }
        connectVoidSignalIgnoringArguments(UnsafeMutableRawPointer(area), "size-allocate") { [weak self] in
            guard let self, self.zoom == nil else { return }
            self.reportZoom()
        }
    }

    /// Shows `picture` fitted to the window, or nothing.
    public func show(_ picture: DecodedPicture?) {
        stopAnimation()
        self.picture = picture
        zoom = nil
        if let animation = picture?.animation {
            iterator = gdk_pixbuf_animation_get_iter(animation, nil)
            scheduleFrame()
        }
        resize()
        reportZoom()
    }

    /// The shown picture.
    public var shown: DecodedPicture? { picture }

    /// Keyboard focus to the picture, for its zoom keys.
    public func focus() { gtk_widget_grab_focus(area) }

    public func zoomIn() { zoom(by: Self.zoomStep, around: nil) }
    public func zoomOut() { zoom(by: 1 / Self.zoomStep, around: nil) }

    /// 100 %; when already there, back to fitted.
    public func zoomToActualSize() {
        if let zoom, abs(zoom - 1) < 0.001 { self.zoom = nil } else { zoom = 1 }
        resize()
        reportZoom()
    }

    /// Fitted to the window.
    public func fit() {
        zoom = nil
        resize()
        reportZoom()
    }

    /// The zoom now, in device pixels per picture pixel.
    public var currentZoom: Double { zoom ?? fittedZoom }
    public var isFitted: Bool { zoom == nil }

    private var scale: Double { Double(max(1, gtk_widget_get_scale_factor(widget))) }

    /// The largest zoom at which the picture fits the window, at most 1.
    private var fittedZoom: Double {
        guard let picture, picture.width > 0, picture.height > 0 else { return 1 }
        let width = Double(gtk_widget_get_allocated_width(widget)) * scale
        let height = Double(gtk_widget_get_allocated_height(widget)) * scale
        guard width > 1, height > 1 else { return 1 }
        return min(1, width / Double(picture.width), height / Double(picture.height))
    }

    private func zoom(by factor: Double, around point: (Double, Double)?) {
        guard let picture, picture.width > 0 else { return }
        let old = currentZoom
        // The zoomed picture stays below X11's 32767-pixel windows.
        let largest = min(Self.largestZoom, 30000 / Double(max(picture.width, picture.height)) * scale)
        let new = min(max(old * factor, min(0.01, fittedZoom)), largest)
        guard abs(new - old) > 1e-9 else { return }
        let scrolled = UnsafeMutableRawPointer(widget).assumingMemoryBound(to: GtkScrolledWindow.self)
        let h = gtk_scrolled_window_get_hadjustment(scrolled), v = gtk_scrolled_window_get_vadjustment(scrolled)
        // The picture point under the pointer (or the centre) stays where it is.
        let anchorX = point.map { $0.0 - gtk_adjustment_get_value(h) } ?? gtk_adjustment_get_page_size(h) / 2
        let anchorY = point.map { $0.1 - gtk_adjustment_get_value(v) } ?? gtk_adjustment_get_page_size(v) / 2
        let pictureX = (gtk_adjustment_get_value(h) + anchorX - offset(picture.width, old, page: h)) / (old / scale)
        let pictureY = (gtk_adjustment_get_value(v) + anchorY - offset(picture.height, old, page: v)) / (old / scale)
        zoom = new
        resize()
        reportZoom()
        MainLoop.addIdle(priority: .afterRedraw) { [weak self] in
            guard let self else { return false }
            gtk_adjustment_set_value(h, pictureX * new / self.scale + self.offset(picture.width, new, page: h) - anchorX)
            gtk_adjustment_set_value(v, pictureY * new / self.scale + self.offset(picture.height, new, page: v) - anchorY)
            return false
        }
    }

    /// Where the picture starts in the area: centred when smaller than the page.
    private func offset(_ size: Int, _ zoom: Double, page: UnsafeMutablePointer<GtkAdjustment>?) -> Double {
        max(0, (gtk_adjustment_get_page_size(page) - Double(size) * zoom / scale) / 2)
    }

    private func resize() {
        if let zoom, let picture {
            gtk_widget_set_size_request(area, Int32((Double(picture.width) * zoom / scale).rounded(.up)),
                                        Int32((Double(picture.height) * zoom / scale).rounded(.up)))
        } else {
            gtk_widget_set_size_request(area, -1, -1)
        }
        gtk_widget_queue_draw(area)
    }

    private var lastReported: (Int, Bool)?
    private func reportZoom() {
        let now = (Int((currentZoom * 100).rounded()), isFitted)
        if let last = lastReported, last == now { return }
        lastReported = now
        onZoomChanged?(now.0, now.1)
    }

    private func draw(_ cr: OpaquePointer) {
        guard let picture, picture.isDrawable else { return }
        let zoom = currentZoom
        let width = Double(picture.width) * zoom / scale, height = Double(picture.height) * zoom / scale
        let areaWidth = Double(gtk_widget_get_allocated_width(area)), areaHeight = Double(gtk_widget_get_allocated_height(area))
        let x = max(0, ((areaWidth - width) / 2).rounded(.down)), y = max(0, ((areaHeight - height) / 2).rounded(.down))
        cairo_save(cr)
        cairo_rectangle(cr, x, y, width, height)
        cairo_clip(cr)
        cairo_set_source(cr, checkerPattern())
        cairo_paint(cr)
        cairo_translate(cr, x, y)
        if let iterator {
            // An animation frame: small enough to convert as it is drawn.
            let frame = gdk_pixbuf_animation_iter_get_pixbuf(iterator)
            cairo_scale(cr, zoom / scale, zoom / scale)
            gdk_cairo_set_source_pixbuf(cr, frame, 0, 0)
            cairo_pattern_set_filter(cairo_get_source(cr), zoom >= 2 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD)
        } else {
            // The smallest level still at least as large as what is drawn, scaled down by at most half.
            var level = 0
            while level + 1 < picture.levels.count,
                  Double(cairo_image_surface_get_width(picture.levels[level + 1])) >= Double(picture.width) * zoom { level += 1 }
            let surface = picture.levels[level]
            let levelScale = Double(picture.width) / Double(cairo_image_surface_get_width(surface))
            cairo_scale(cr, zoom / scale * levelScale, zoom / scale * levelScale)
            cairo_set_source_surface(cr, surface, 0, 0)
            cairo_pattern_set_filter(cairo_get_source(cr), zoom >= 2 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_BILINEAR)
        }
        cairo_paint(cr)
        cairo_restore(cr)
    }

    /// Grey squares of 8 logical pixels, as image viewers draw behind transparency.
    private func checkerPattern() -> OpaquePointer {
        if let checker { return checker }
        let tile = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 16, 16)
        let cr = cairo_create(tile)
        cairo_set_source_rgb(cr, 0.6, 0.6, 0.6)
        cairo_paint(cr)
        cairo_set_source_rgb(cr, 0.8, 0.8, 0.8)
        cairo_rectangle(cr, 0, 0, 8, 8)
        cairo_rectangle(cr, 8, 8, 8, 8)
        cairo_fill(cr)
        cairo_destroy(cr)
        let pattern = cairo_pattern_create_for_surface(tile)!
        cairo_surface_destroy(tile)
        cairo_pattern_set_extend(pattern, CAIRO_EXTEND_REPEAT)
        cairo_pattern_set_filter(pattern, CAIRO_FILTER_NEAREST)
        checker = pattern
        return pattern
    }

    private func scheduleFrame() {
        guard let iterator else { return }
        let delay = gdk_pixbuf_animation_iter_get_delay_time(iterator)
        guard delay >= 0 else { return }   // the last frame stays
        frameTimer = MainLoop.addTimeout(milliseconds: UInt32(max(delay, 20))) { [weak self] in
            guard let self, let iterator = self.iterator else { return false }
            self.frameTimer = nil   // returning false removes this source
            if gdk_pixbuf_animation_iter_advance(iterator, nil) != 0 { gtk_widget_queue_draw(self.area) }
            self.scheduleFrame()
            return false
        }
    }

    private func stopAnimation() {
        frameTimer?.remove()
        frameTimer = nil
        if let iterator { g_object_unref(UnsafeMutableRawPointer(iterator)) }
        iterator = nil
    }
}
