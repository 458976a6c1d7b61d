import Testing
@testable import Imaging

@Suite struct ColorTests {
    static let red = BackgroundColor(red: 1, green: 0, blue: 0)

    static let cases: [(String, Image, ColorMode, BackgroundColor, [Float])] = [
        ("RGB → grey uses BT.601 weights", Image(width: 3, height: 1, channels: 3, samples: [255, 0, 0, 0, 255, 0, 0, 0, 255]),
         .gray, .white, [0.299, 0.587, 0.114]),
        ("16-bit RGB → grey", Image(width: 1, height: 1, channels: 3, bitDepth: 16, samples: [65535, 65535, 0]),
         .gray, .white, [0.886]),
        ("grey → RGB copies the value", Image(width: 1, height: 1, channels: 1, samples: [51]), .rgb, .white, [0.2, 0.2, 0.2]),
        ("transparent grey shows white", Image(width: 1, height: 1, channels: 2, samples: [0, 0]), .gray, .white, [1]),
        ("transparent grey shows black", Image(width: 1, height: 1, channels: 2, samples: [255, 0]), .gray, .black, [0]),
        ("transparent grey shows the background's luma", Image(width: 1, height: 1, channels: 2, samples: [0, 0]), .gray, red, [0.299]),
        ("transparent grey in RGB shows the background colour", Image(width: 1, height: 1, channels: 2, samples: [0, 0]), .rgb, red, [1, 0, 0]),
        // a = 0.6: 0.6·c + 0.4·bg.
        ("RGBA composite a·c + (1−a)·bg", Image(width: 1, height: 1, channels: 4, samples: [255, 0, 51, 153]),
         .rgb, red, [1, 0, 0.12 + 0]),
        ("RGBA → grey composites then takes luma", Image(width: 1, height: 1, channels: 4, samples: [255, 255, 255, 0]),
         .gray, red, [0.299]),
        ("16-bit alpha scales by 65535", Image(width: 1, height: 1, channels: 2, bitDepth: 16, samples: [65535, 32768]),
         .gray, .black, [32768.0 / 65535]),
    ]

    @Test("compositing and colour conversion match hand-worked values", arguments: cases)
    func flatten(name: String, image: Image, color: ColorMode, background: BackgroundColor, expected: [Float]) {
        let flat = FloatImage(flattening: image, to: color, background: background)
        #expect(flat.channels == color.channels)
        #expect(isClose(flat.values, expected), "\(name): \(flat.values)")
    }

    @Test("luma of white is 1 and of black is 0")
    func lumaEndpoints() {
        #expect(abs(FloatImage.luma(1, 1, 1) - 1) < 1e-6)
        #expect(FloatImage.luma(0, 0, 0) == 0)
    }

    static let quantizeCases: [(Float, UInt16)] = [
        (0, 0), (0.5, 128), (1, 255), (1.5, 255), (-0.2, 0), (0.25, 64), (.nan, 0),
    ]

    @Test("quantising rounds to nearest and clamps", arguments: quantizeCases)
    func quantize(value: Float, expected: UInt16) {
        #expect(FloatImage.quantize(value) == expected)
    }
}
