// Seeded random loop: fuzz-loop [--cases N] [--seed S] [--display-every K]
import Foundation

@main
enum FuzzLoop {
    static func main() {
        var cases = 1_000_000, seed: UInt64 = 20_240_601, displayEvery = 1
        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let a = args.next() {
            switch a {
            case "--cases": cases = Int(args.next() ?? "") ?? cases
            case "--seed": seed = UInt64(args.next() ?? "") ?? seed
            case "--display-every": displayEvery = max(1, Int(args.next() ?? "") ?? 1)
            default: print("usage: fuzz-loop [--cases N] [--seed S] [--display-every K]"); exit(2)
            }
        }
        let region = GuardedRegion(capacity: Fuzz.maxSegment)
        var r = SplitMix64(seed: seed)
        let sizes = [0, 1, 7, 8, 9, 319, 320, 321, 576, 4096, Fuzz.maxSegment]
        let clock = ContinuousClock(), start = clock.now
        var framed = 0, damaged = 0, seedCount = 0
        for n in 0..<cases {
            let size = r.chance(40) ? sizes[r.below(sizes.count)] : r.below(Fuzz.maxSegment + 1)
            let segment = region.segment(size: size, atEnd: r.chance(50))
            Fuzz.fill(segment, &r)
            let s = SegmentContent.read(UnsafeRawBufferPointer(segment))
            if s.problem != nil { damaged += 1 } else if s.format == .framed { framed += 1 } else { seedCount += 1 }
            do {
                try Fuzz.check(segment, &r, display: n % displayEvery == 0)
            } catch {
                print("FAIL case \(n) (seed \(seed), size \(size)): \(error)")
                exit(1)
            }
        }
        let elapsed = clock.now - start
        print("fuzz-loop: \(cases) cases, seed \(seed): \(framed) valid framed, \(damaged) damaged headers, "
              + "\(seedCount) seed; no crash, no read outside the segment, every invariant held (\(elapsed))")
    }
}
