import Foundation

/// The fixed header of the framed format (docs/PROTOCOL.md). All integers little-endian.
///
///     offset size field
///          0    8 magic "SMLFRAME"
///          8    4 version (1)
///         12    4 header size (320)
///         16    8 generation
///         24    8 payload length
///         32    8 original file size
///         40    8 load time, milliseconds since the Unix epoch
///         48    2 file name length in bytes (<= 256)
///         50    2 reserved, zero
///         52    4 wake word (a futex counter writers bump; see SegmentContent.wakeWord)
///         56  256 file name, UTF-8
///        312    8 reserved, zero
///        320      payload
struct FramedHeader: Equatable {
    static let magic: [UInt8] = Array("SMLFRAME".utf8)
    static let version: UInt32 = 1
    static let size = 320
    static let maxNameBytes = 256
    /// Offset of the 32-bit wake word: 4-byte aligned, outside every validated field.
    static let wakeWordOffset = 52

    var generation: UInt64
    var payloadLength: UInt64
    var originalSize: UInt64
    var loadTimeMilliseconds: Int64
    var fileName: [UInt8]

    /// What the first bytes of a segment say about its format.
    enum Decoded: Equatable {
        case framed(FramedHeader)
        /// Our magic, but a field that cannot be true for this segment.
        case damaged(HeaderProblem)
        /// No magic: the seed format.
        case notFramed
    }

    /// Parses a private copy of a header. Every field is checked against the real segment size
    /// before it is used, with arithmetic that cannot overflow.
    static func decode(_ raw: UnsafeRawBufferPointer, segmentSize: Int) -> Decoded {
        guard raw.count >= magic.count, raw.prefix(magic.count).elementsEqual(magic) else { return .notFramed }
        guard raw.count >= size, segmentSize >= size else {
            return .damaged(.segmentTooSmall(segmentSize: segmentSize, headerSize: size))
        }
        let version = raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian
        guard version == Self.version else {
            return .damaged(.unknownVersion(found: version, supported: Self.version))
        }
        let headerSize = raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian
        guard headerSize == UInt32(size) else {
            return .damaged(.headerSize(found: headerSize, expected: size))
        }
        let capacity = UInt64(segmentSize - size)
        let payloadLength = raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self).littleEndian
        guard payloadLength <= capacity else {
            return .damaged(.payloadTooLong(length: payloadLength, capacity: capacity))
        }
        let originalSize = raw.loadUnaligned(fromByteOffset: 32, as: UInt64.self).littleEndian
        guard originalSize >= payloadLength, originalSize <= UInt64(Int.max) else {
            return .damaged(.originalSizeTooSmall(originalSize: originalSize, payloadLength: payloadLength))
        }
        let nameLength = Int(raw.loadUnaligned(fromByteOffset: 48, as: UInt16.self).littleEndian)
        guard nameLength <= maxNameBytes else {
            return .damaged(.nameTooLong(length: nameLength, limit: maxNameBytes))
        }
        return .framed(FramedHeader(
            generation: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian,
            payloadLength: payloadLength,
            originalSize: originalSize,
            loadTimeMilliseconds: raw.loadUnaligned(fromByteOffset: 40, as: Int64.self).littleEndian,
            fileName: Array(raw[56..<(56 + nameLength)])))
    }

    /// Writes this header over the first `size` bytes of `segment` (which must hold them). The wake
    /// word is left as it is: waiters in other processes watch it.
    func encode(into segment: UnsafeMutableRawBufferPointer) {
        precondition(segment.count >= Self.size, "segment smaller than a framed header")  // notr: a programming error
        let header = UnsafeMutableRawBufferPointer(rebasing: segment[0..<Self.size])
        let wake = Self.wakeWordOffset
        UnsafeMutableRawBufferPointer(rebasing: header[0..<wake]).initializeMemory(as: UInt8.self, repeating: 0)
        UnsafeMutableRawBufferPointer(rebasing: header[(wake + 4)...]).initializeMemory(as: UInt8.self, repeating: 0)
        header.copyBytes(from: Self.magic)
        header.storeBytes(of: Self.version.littleEndian, toByteOffset: 8, as: UInt32.self)
        header.storeBytes(of: UInt32(Self.size).littleEndian, toByteOffset: 12, as: UInt32.self)
        header.storeBytes(of: generation.littleEndian, toByteOffset: 16, as: UInt64.self)
        header.storeBytes(of: payloadLength.littleEndian, toByteOffset: 24, as: UInt64.self)
        header.storeBytes(of: originalSize.littleEndian, toByteOffset: 32, as: UInt64.self)
        header.storeBytes(of: loadTimeMilliseconds.littleEndian, toByteOffset: 40, as: Int64.self)
        let name = fileName.prefix(Self.maxNameBytes)
        header.storeBytes(of: UInt16(name.count).littleEndian, toByteOffset: 48, as: UInt16.self)
        UnsafeMutableRawBufferPointer(rebasing: header[56..<(56 + name.count)]).copyBytes(from: name)
    }

    /// A file name cut to the header's limit without splitting a UTF-8 character.
    static func nameBytes(_ name: String) -> [UInt8] {
        var bytes = Array(name.utf8)
        guard bytes.count > maxNameBytes else { return bytes }
        var end = maxNameBytes
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }  // back off continuation bytes
        bytes.removeSubrange(end...)
        return bytes
    }
}
