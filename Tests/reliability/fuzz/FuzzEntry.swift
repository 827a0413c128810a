// libFuzzer entry point (built with -sanitize=fuzzer, which brings its own main).
let fuzzRegion = GuardedRegion(capacity: Fuzz.maxSegment)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    do {
        try Fuzz.one(UnsafeRawBufferPointer(start: data, count: size), region: fuzzRegion)
    } catch {
        fatalError("\(error)")
    }
    return 0
}
