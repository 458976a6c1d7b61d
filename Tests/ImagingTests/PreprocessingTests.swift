import Testing
@testable import Imaging

@Suite struct PreprocessingTests {
    // composite.png: (200,100,50) opaque, transparent, alpha 128; then (0,0,0) transparent.
    static let compositeCases: [(String, InputFormat, [UInt16])] = [
        ("onto white", InputFormat(width: 4, height: 1, color: .rgb, background: .white),
         [200, 100, 50, 255, 255, 255, 227, 177, 152, 255, 255, 255]),
        ("onto black", InputFormat(width: 4, height: 1, color: .rgb, background: .black),
         [200, 100, 50, 0, 0, 0, 100, 50, 25, 0, 0, 0]),
        // Luma 0.299·200 + 0.587·100 + 0.114·50 = 124.2; half-transparent: 128/255·124.2 + 127 = 189.3.
        ("grey onto white", InputFormat(width: 4, height: 1, color: .gray, background: .white), [124, 255, 189, 255]),
    ]

    @Test("transparent pixels composite onto the background", arguments: compositeCases)
    func composite(name: String, format: InputFormat, expected: [UInt16]) throws {
        let image = try PNG.decode(contentsOf: Fixtures.url("composite"))
        let out = format.preprocess(image)
        #expect(out.samples == expected, "\(name)")
        #expect(out.bitDepth == 8)
    }

    static let shapes: [(String, InputFormat)] = [
        ("rgba16", InputFormat(width: 3, height: 2, color: .gray)),
        ("palette4trns", InputFormat(width: 14, height: 10, color: .rgb)),
        ("grey1", InputFormat(width: 7, height: 5, color: .rgb)),
        ("greyalpha8", InputFormat(width: 2, height: 9, color: .gray, background: .black)),
    ]

    @Test("output has the format's size, channels and 8 bits", arguments: shapes)
    func shape(name: String, format: InputFormat) throws {
        let out = format.preprocess(try PNG.decode(contentsOf: Fixtures.url(name)))
        #expect(out.width == format.width && out.height == format.height)
        #expect(out.channels == format.color.channels && out.bitDepth == 8)
        #expect(out.samples.count == format.inputCount)
    }

    /// `inputVector` against values it does not compute itself: the Python oracle's samples of
    /// 8-bit fixtures already in the format, and the composite worked by hand above, over 255.
    @Test("the input vector is the oracle's samples over 255", arguments: [
        ("rgb8", InputFormat(width: 7, height: 5, color: .rgb)),
        ("grey8", InputFormat(width: 7, height: 5, color: .gray)),
        ("palette8", InputFormat(width: 7, height: 5, color: .rgb)),
    ])
    func inputVectorMatchesTheOracle(name: String, format: InputFormat) throws {
        let expected = try Fixtures.expected(name).samples.map { Float($0) / 255 }
        #expect(format.inputVector(for: try PNG.decode(contentsOf: Fixtures.url(name))) == expected)
    }

    @Test func inputVectorOfTheCompositeIsWorkedByHand() throws {
        let image = try PNG.decode(contentsOf: Fixtures.url("composite"))
        for (_, format, expected) in Self.compositeCases {
            #expect(format.inputVector(for: image) == expected.map { Float($0) / 255 })
        }
    }

    @Test("an image already in the format is returned unchanged")
    func identity() throws {
        let image = try PNG.decode(contentsOf: Fixtures.url("rgb8"))
        #expect(InputFormat(width: 7, height: 5, color: .rgb).preprocess(image) == image)
    }

    @Test("16-bit and 8-bit versions of the same picture preprocess alike")
    func sixteenBitMatchesEightBit() {
        let eight = (0..<(6 * 4 * 3)).map { UInt16(($0 * 53) % 256) }
        let a = Image(width: 6, height: 4, channels: 3, samples: eight)
        let b = Image(width: 6, height: 4, channels: 3, bitDepth: 16, samples: eight.map { $0 * 257 })
        let format = InputFormat(width: 4, height: 3, color: .gray)
        #expect(format.preprocess(a) == format.preprocess(b))
    }

    @Test("writing into a matrix row equals preprocess", arguments: ["rgba8", "grey16key", "rgb8"])
    func intoRow(name: String) throws {
        let image = try PNG.decode(contentsOf: Fixtures.url(name))
        let format = InputFormat(width: name == "rgb8" ? 7 : 3, height: name == "rgb8" ? 5 : 3, color: .rgb)
        var row = [UInt8](repeating: 0, count: format.inputCount)
        row.withUnsafeMutableBufferPointer { format.preprocess(image, into: $0) }
        #expect(row.map(UInt16.init) == format.preprocess(image).samples)
    }
}
