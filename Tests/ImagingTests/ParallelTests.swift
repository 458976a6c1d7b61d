import Parallel
import Testing

/// `Parallel` serves Imaging's decoding first; its tests live beside Imaging's.
@Suite struct ParallelTests {
    @Test("forEach runs every index exactly once, whatever the thread count", arguments: [1, 2, 3, 64])
    func forEachCoversEveryIndexOnce(threads: Int) {
        var hits = [Int](repeating: 0, count: 1000)
        hits.withUnsafeMutableBufferPointer { hits in
            Parallel.forEach(1000, threads: threads) { i in hits[i] += 1 }   // disjoint slots
        }
        #expect(hits == [Int](repeating: 1, count: 1000))
    }

    @Test("map keeps index order", arguments: [1, 2, 5])
    func mapKeepsOrder(threads: Int) {
        #expect(Parallel.map(257, threads: threads) { $0 * $0 } == (0 ..< 257).map { $0 * $0 })
        #expect(Parallel.map(0, threads: threads) { $0 }.isEmpty)
    }
}
