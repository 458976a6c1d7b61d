import Testing
@testable import Imaging

/// The preprocessing shortcut of FloatImage+Resize.swift (rows resampled straight from stored samples).
@Suite struct DirectRowResamplingTests {
    static let sizes: [(Int, Int, Int, Int, Int, Int)] = [
        (256, 256, 3, 8, 32, 32), (28, 28, 1, 8, 14, 10), (9, 7, 3, 16, 4, 3), (5, 9, 1, 8, 5, 4),
    ]

    @Test("the shortcut from stored samples equals flatten-then-resize", arguments: sizes)
    func shortcutMatchesGeneralPath(w: Int, h: Int, c: Int, depth: Int, nw: Int, nh: Int) {
        let top = depth == 16 ? 65536 : 256
        let image = Image(width: w, height: h, channels: c, bitDepth: depth,
                          samples: (0..<(w * h * c)).map { UInt16(($0 * 7919 + 13) % top) })
        let format = InputFormat(width: nw, height: nh, color: c == 1 ? .gray : .rgb)
        let fast = FloatImage.prepared(image, for: format)
        let general = FloatImage(flattening: image, to: format.color, background: .white).resized(width: nw, height: nh)
        #expect(fast.width == nw && fast.height == nh && fast.channels == c)
        #expect(isClose(fast.values, general.values, absolute: 1e-5, relative: 0))
    }
}
