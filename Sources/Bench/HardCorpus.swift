import Foundation

/// The hard texts of issue 9, each generated in code (deterministic: a fixed SplitMix64 seed).
struct HardCorpus: Sendable {
    let label: String
    let title: String
    let make: @Sendable () -> [UInt8]

    static let all: [HardCorpus] = [
        HardCorpus(label: "friendly_1m", title: "1 MiB of 64-byte lines (baseline)") { Workspace.textBlock(count: 1 << 20) },
        HardCorpus(label: "line_10k", title: "one line of 10 KiB without spaces") { letters(10 << 10) },
        HardCorpus(label: "line_300k", title: "one line of 300 KiB without spaces") { letters(300 << 10) },
        HardCorpus(label: "line_4m", title: "one line of 4 MiB without spaces") { letters(4 << 20) },
        HardCorpus(label: "base64_1m", title: "1 MiB of base64, one line") { base64(1 << 20) },
        HardCorpus(label: "json_2m", title: "2 MiB of minified JSON") { json(2 << 20) },
        HardCorpus(label: "newlines_4m", title: "4 MiB of newlines only") { [UInt8](repeating: 0x0A, count: 4 << 20) },
        HardCorpus(label: "combining_200k", title: "one letter and 100,000 combining acute accents (200 KB)") {
            [0x61] + Array(String(repeating: "\u{301}", count: 100_000).utf8)
        },
        HardCorpus(label: "rtl_1m", title: "1 MiB of Arabic and Hebrew words, one line") {
            repeated("مرحبا بالعالم שלום עולם ", bytes: 1 << 20)
        },
        HardCorpus(label: "emoji_300k", title: "300 KB of emoji, one line") { repeated("🙂👨‍👩‍👧🇫🇷👍🏽", bytes: 300_000) },
        HardCorpus(label: "tabs_100k", title: "100,000 tabs") { [UInt8](repeating: 0x09, count: 100_000) },
        HardCorpus(label: "cjk_1m", title: "1 MiB of CJK without spaces, one line") { cjk(1 << 20) },
    ]

    /// Letters a-z over and over: one "word" as long as the line (no break opportunity at all).
    static func letters(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(97 + $0 % 26) } }

    /// `text` repeated up to `bytes` bytes, cut on a character boundary.
    static func repeated(_ text: String, bytes: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes + text.utf8.count)
        while out.count < bytes { out += text.utf8 }
        var end = bytes
        while end > 0, out[end] & 0xC0 == 0x80 { end -= 1 }
        return Array(out[0..<end])
    }

    static func base64(_ count: Int) -> [UInt8] {
        var random = SplitMix(seed: 9)
        let raw = (0..<(count / 4 * 3)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        return Array(Data(raw).base64EncodedString().utf8.prefix(count))
    }

    /// Records like a minified API answer, no spaces and no newline.
    static func json(_ count: Int) -> [UInt8] {
        var out: [UInt8] = Array("[".utf8)
        var index = 0
        while out.count < count - 200 {
            if index > 0 { out.append(0x2C) }
            out += Array(#"{"id":\#(index),"name":"item-\#(index)","tags":["alpha","beta"],"price":\#(index % 997).5,"ok":true}"#.utf8)
            index += 1
        }
        out += Array("]".utf8)
        return out
    }

    /// CJK ideographs (3 bytes each) without spaces or punctuation.
    static func cjk(_ bytes: Int) -> [UInt8] {
        var scalars = String.UnicodeScalarView()
        for index in 0..<(bytes / 3) { scalars.append(Unicode.Scalar(0x4E00 + UInt32(index * 7919 % 20_000))!) }
        return Array(String(scalars).utf8)
    }
}

/// SplitMix64, for reproducible pseudo-random bytes.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
