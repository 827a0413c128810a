import CGtk
import Foundation

/// Why a picture is not shown whole; the viewer's words come from `Messages`.
public enum PictureProblem: Sendable, Equatable {
    /// No GdkPixbuf loader for this format is installed (WebP without webp-pixbuf-loader).
    case noLoader(String)
    /// The declared size is over the pixel budget: refused before a decoder allocated it.
    case tooLarge(width: Int, height: Int, budget: Int)
    /// Nothing could be decoded; GdkPixbuf's message.
    case undecodable(String)
    /// Only a part decoded (a truncated file); GdkPixbuf's message. The part is shown.
    case partial(String)
}

/// A decoded picture, made on a worker thread and handed whole to the GTK thread. Holds cairo
/// surfaces (and GdkPixbufAnimation for an animation): plain memory objects, not widgets, which
/// GdkPixbuf and cairo allow on any thread while one thread at a time uses them.
public final class DecodedPicture: @unchecked Sendable {
    /// The picture's size in pixels as decoded (an SVG: as rendered).
    public let width: Int
    public let height: Int
    /// The size the file declares (an SVG rendered smaller says its own).
    public let declaredWidth: Int
    public let declaredHeight: Int
    public let problem: PictureProblem?
    /// The full-size picture and halvings of it down to about 256 pixels (premultiplied ARGB32):
    /// drawing scales down from the nearest level, so a zoomed-out 6000 × 6000 picture is cheap to draw.
    private(set) var levels: [OpaquePointer]
    /// An animation (an animated GIF); nil for a still picture.
    let animation: OpaquePointer?
    /// How long the decode took on its thread (GdkPixbuf, then the cairo levels).
    public internal(set) var decodeMicroseconds: Int64 = 0

    init(width: Int, height: Int, declaredWidth: Int, declaredHeight: Int, problem: PictureProblem?,
         levels: [OpaquePointer], animation: OpaquePointer?) {
        self.width = width
        self.height = height
        self.declaredWidth = declaredWidth
        self.declaredHeight = declaredHeight
        self.problem = problem
        self.levels = levels
        self.animation = animation
    }

    /// Adds the halvings of the full-size level (on the decoding thread, before it is handed over).
    func addHalvings() {
        guard let full = levels.first, levels.count == 1 else { return }
        levels += PictureDecoder.halvings(of: full)
    }

    deinit {
        for level in levels { cairo_surface_destroy(level) }
        if let animation { g_object_unref(UnsafeMutableRawPointer(animation)) }
    }

    /// Something can be drawn.
    public var isDrawable: Bool { !levels.isEmpty || animation != nil }
    public var isAnimated: Bool { animation != nil }
}

/// Decodes picture bytes with GdkPixbuf, off the main loop. The loader is named by type (never
/// guessed, so no other loader sees the bytes), fed from memory: no file name and no base URI, so
/// librsvg loads no image, stylesheet or XInclude from disk or network (checked with strace on
/// librsvg 2.54: nothing is opened), and refuses external XML entities.
public enum PictureDecoder {
    /// Pixels a raster picture may have: 64 Mpx is 256 MB decoded (RGBA), which keeps the viewer
    /// under 500 MB with its copy of the bytes; a 6000 × 6000 picture (36 Mpx) fits.
    public static let pixelBudget = 64 << 20
    /// An SVG is rendered at most this large on its longer side (vectors scale; a huge canvas is drawn smaller).
    public static let vectorSide = 4096

    /// The decode; call it on a worker thread. `loaderType` is GdkPixbuf's ("png", "jpeg", "svg", ...).
    public static func decode(_ bytes: [UInt8], loaderType: String, isVector: Bool,
                              budget: Int = pixelBudget) -> DecodedPicture {
        let start = g_get_monotonic_time()
        let picture = decodeUntimed(bytes, loaderType: loaderType, isVector: isVector, budget: budget)
        // The loader (and its pixbuf) is gone by now: the halvings do not add to its peak.
        picture.addHalvings()
        picture.decodeMicroseconds = Int64(g_get_monotonic_time() - start)
        return picture
    }

    private static func decodeUntimed(_ bytes: [UInt8], loaderType: String, isVector: Bool, budget: Int) -> DecodedPicture {
        var error: UnsafeMutablePointer<GError>?
        guard let loader = gdk_pixbuf_loader_new_with_type(loaderType, &error) else {
            g_clear_error(&error)
            return failed(.noLoader(loaderType))
        }
        defer { g_object_unref(loader) }
        let state = SizeState(budget: budget, isVector: isVector)
        let box = Unmanaged.passRetained(state)
        defer { box.release() }
        g_signal_connect_data(loader, "size-prepared", unsafeBitCast(sizePrepared, to: GCallback.self),
                              box.toOpaque(), nil, GConnectFlags(rawValue: 0))
        var message: String?
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            let chunk = 1 << 20
            while offset < buffer.count, !state.refused {
                let count = min(chunk, buffer.count - offset)
                if gdk_pixbuf_loader_write(loader, buffer.baseAddress! + offset, gsize(count), &error) == 0 {
                    message = take(&error)
                    break
                }
                offset += count
            }
        }
        if gdk_pixbuf_loader_close(loader, &error) == 0, message == nil { message = take(&error) }
        g_clear_error(&error)
        if state.refused {
            return failed(.tooLarge(width: state.declaredWidth, height: state.declaredHeight, budget: budget))
        }
        guard let animation = gdk_pixbuf_loader_get_animation(loader) else {
            return failed(.undecodable(message ?? ""))
        }
        let problem = message.map { PictureProblem.partial($0) }
        let declaredWidth = state.declaredWidth > 0 ? state.declaredWidth : Int(gdk_pixbuf_animation_get_width(animation))
        let declaredHeight = state.declaredHeight > 0 ? state.declaredHeight : Int(gdk_pixbuf_animation_get_height(animation))
        if gdk_pixbuf_animation_is_static_image(animation) == 0 {
            g_object_ref(UnsafeMutableRawPointer(animation))
            return DecodedPicture(width: Int(gdk_pixbuf_animation_get_width(animation)), height: Int(gdk_pixbuf_animation_get_height(animation)),
                                  declaredWidth: declaredWidth, declaredHeight: declaredHeight, problem: problem, levels: [], animation: animation)
        }
        guard let pixbuf = gdk_pixbuf_loader_get_pixbuf(loader) else { return failed(.undecodable(message ?? "")) }
        let width = Int(gdk_pixbuf_get_width(pixbuf)), height = Int(gdk_pixbuf_get_height(pixbuf))
        return DecodedPicture(width: width, height: height, declaredWidth: declaredWidth, declaredHeight: declaredHeight,
                              problem: problem, levels: surface(of: pixbuf).map { [$0] } ?? [], animation: nil)
    }

    private static func failed(_ problem: PictureProblem) -> DecodedPicture {
        DecodedPicture(width: 0, height: 0, declaredWidth: 0, declaredHeight: 0, problem: problem, levels: [], animation: nil)
    }

    private static func take(_ error: inout UnsafeMutablePointer<GError>?) -> String {
        defer { g_clear_error(&error) }
        return error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? ""
    }

    /// The pixbuf as a premultiplied cairo surface (nil when cairo cannot allocate it), converted
    /// straight into the surface: painting the pixbuf onto a surface of our own went through a
    /// temporary surface of the same size (a 6000 × 6000 picture peaked 144 MB higher).
    static func surface(of pixbuf: OpaquePointer) -> OpaquePointer? {
        guard let full = gdk_cairo_surface_create_from_pixbuf(pixbuf, 1, nil) else { return nil }
        guard cairo_surface_status(full) == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(full)
            return nil
        }
        return full
    }

    /// Halvings of `full` while the longer side is over 512.
    static func halvings(of full: OpaquePointer) -> [OpaquePointer] {
        var levels = [full]
        let width = cairo_image_surface_get_width(full), height = cairo_image_surface_get_height(full)
        var w = width, h = height
        while max(w, h) > 512 {
            w = max(1, (w + 1) / 2); h = max(1, (h + 1) / 2)
            guard let half = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h) else { break }
            let cr = cairo_create(half)
            cairo_scale(cr, Double(w) / Double(cairo_image_surface_get_width(levels.last!)),
                        Double(h) / Double(cairo_image_surface_get_height(levels.last!)))
            cairo_set_source_surface(cr, levels.last!, 0, 0)
            cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD)
            cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE)
            cairo_paint(cr)
            cairo_destroy(cr)
            levels.append(half)
        }
        return Array(levels.dropFirst())
    }
}

/// What `size-prepared` saw, for the decoding thread (one loader, one thread).
private final class SizeState {
    let budget: Int
    let isVector: Bool
    var declaredWidth = 0
    var declaredHeight = 0
    var refused = false
    init(budget: Int, isVector: Bool) { self.budget = budget; self.isVector = isVector }
}

// GdkPixbufLoader::size-prepared (loader, width, height, user data), on the decoding thread. Raster
// over budget: size 0 × 0 makes every loader stop with an error before it allocates (what
// gdk_pixbuf_get_file_info does). Vector: rendered smaller instead.
private let sizePrepared: @convention(c) (UnsafeMutablePointer<GdkPixbufLoader>?, Int32, Int32, gpointer?) -> Void = { loader, width, height, data in
    let state = Unmanaged<SizeState>.fromOpaque(data!).takeUnretainedValue()
    if state.declaredWidth == 0 { state.declaredWidth = Int(width); state.declaredHeight = Int(height) }
    let pixels = Int(width) * Int(height)
    if state.isVector {
        let side = max(Int(width), Int(height), 1)
        var factor = min(1, Double(PictureDecoder.vectorSide) / Double(side))
        if Double(pixels) * factor * factor > Double(state.budget) { factor = (Double(state.budget) / Double(max(pixels, 1))).squareRoot() }
        if factor < 1 {
            gdk_pixbuf_loader_set_size(loader, Int32(max(1, (Double(width) * factor).rounded(.down))),
                                       Int32(max(1, (Double(height) * factor).rounded(.down))))
        }
    } else if pixels > state.budget || width <= 0 || height <= 0 {
        state.refused = true
        gdk_pixbuf_loader_set_size(loader, 0, 0)
    }
}
