import Testing
@testable import Imaging

@Suite struct ResizeTests {
    static func grey(_ width: Int, _ height: Int, _ values: [Float]) -> FloatImage {
        FloatImage(width: width, height: height, channels: 1, values: values)
    }

    static let cases: [(String, FloatImage, Int, Int, [Float])] = [
        // Box average of each 2×2 block.
        ("4×4 → 2×2 box average", grey(4, 4, (0..<16).map(Float.init)), 2, 2, [2.5, 4.5, 10.5, 12.5]),
        // Coverage 1.5 per output pixel: 1-D [a, b, c] → [(2a + b)/3, (b + 2c)/3], rows then columns.
        ("3×3 → 2×2 fractional coverage", grey(3, 3, (0..<9).map(Float.init)), 2, 2, [4.0 / 3, 8.0 / 3, 16.0 / 3, 20.0 / 3]),
        // Centres x = (i + 0.5)/2 − 0.5 = −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        ("2×2 → 4×4 bilinear", grey(2, 2, [0, 4, 8, 12]), 4, 4,
         [0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12]),
        ("identity keeps every value", grey(3, 2, [0.1, 0.7, 0.3, 0.9, 0.2, 0.5]), 3, 2, [0.1, 0.7, 0.3, 0.9, 0.2, 0.5]),
        ("1×1 → 3×1 repeats the pixel", grey(1, 1, [0.25]), 3, 1, [0.25, 0.25, 0.25]),
        // Width shrinks (mean of pairs), height grows (one row copied to three).
        ("4×1 → 2×3 mixed directions", grey(4, 1, [0, 2, 4, 8]), 2, 3, [1, 6, 1, 6, 1, 6]),
        ("5×1 → 1×1 is the mean", grey(5, 1, [1, 2, 3, 4, 10]), 1, 1, [4]),
    ]

    @Test("resize matches cases worked by hand", arguments: cases)
    func workedCase(name: String, image: FloatImage, width: Int, height: Int, expected: [Float]) {
        let resized = image.resized(width: width, height: height)
        #expect(resized.width == width && resized.height == height && resized.channels == image.channels)
        #expect(isClose(resized.values, expected), "\(name): \(resized.values)")
    }

    @Test("channels are resized independently")
    func interleavedChannels() {
        let rgb = FloatImage(width: 2, height: 1, channels: 3, values: [0, 1, 0.5, 1, 0, 0.5])
        #expect(isClose(rgb.resized(width: 1, height: 1).values, [0.5, 0.5, 0.5]))
    }

    @Test("area averaging preserves the mean", arguments: [(17, 13, 5, 4), (64, 64, 28, 28), (10, 3, 7, 2)])
    func meanPreserved(w: Int, h: Int, nw: Int, nh: Int) {
        let values = (0..<(w * h)).map { Float(($0 * 7919) % 101) / 100 }
        let small = Self.grey(w, h, values).resized(width: nw, height: nh)
        let mean = values.reduce(0, +) / Float(values.count)
        let smallMean = small.values.reduce(0, +) / Float(small.values.count)
        #expect(abs(mean - smallMean) < 1e-4)
    }

    @Test("shrink weights cover the source exactly once", arguments: [(3, 2), (7, 3), (100, 32), (256, 32)])
    func weightsSumToOne(n: Int, m: Int) {
        let axis = ResampleAxis(from: n, to: m)
        var coverage = [Float](repeating: 0, count: n)
        for i in 0..<m {
            let weights = axis.weights[axis.weightOffsets[i]..<(axis.weightOffsets[i] + axis.counts[i])]
            #expect(abs(weights.reduce(0, +) - 1) < 1e-6)
            for (k, w) in weights.enumerated() { coverage[axis.starts[i] + k] += w * Float(n) / Float(m) }
        }
        #expect(isClose(coverage, [Float](repeating: 1, count: n), absolute: 1e-5, relative: 0))
    }
}
