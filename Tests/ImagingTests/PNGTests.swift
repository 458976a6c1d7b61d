import Foundation
import Testing
@testable import Imaging

@Suite struct PNGTests {
    static let variants = [
        "grey1", "grey2", "grey4", "grey8", "grey16", "greyalpha8", "greyalpha16",
        "rgb8", "rgb16", "rgba8", "rgba16",
        "palette1", "palette2", "palette4", "palette8",
        "palette1trns", "palette2trns", "palette4trns", "palette8trns",
        "grey4key", "grey8key", "grey16key", "rgb8key", "rgb16key",
        "composite",
    ] + ["none", "sub", "up", "average", "paeth", "mixed"].flatMap { filter in
        ["rgb8", "grey1", "greyalpha8", "rgba8", "rgba16"].map { "filter\(filter)_\($0)" }
    }

    @Test("every PNG variant decodes to the oracle's samples", arguments: variants)
    func decodesVariant(name: String) throws {
        let decoded = try PNG.decode(contentsOf: Fixtures.url(name))
        let expected = try Fixtures.expected(name).image
        #expect(decoded == expected)
    }

    static let interlacedTwins = [
        ("grey1adam7", "grey1"), ("grey8adam7", "grey8"), ("greyalpha8adam7", "greyalpha8"),
        ("rgb8adam7", "rgb8"), ("rgba16adam7", "rgba16"), ("grey16adam7", "grey16"),
        ("palette4trnsadam7", "palette4trns"),
    ]

    @Test("Adam7 decodes to the same samples as its non-interlaced twin", arguments: interlacedTwins)
    func interlacedEqualsTwin(interlaced: String, twin: String) throws {
        let a = try PNG.decode(contentsOf: Fixtures.url(interlaced))
        let b = try PNG.decode(contentsOf: Fixtures.url(twin))
        #expect(a == b)
        #expect(try PNG.header(contentsOf: Fixtures.url(interlaced)).isInterlaced)
        #expect(try !PNG.header(contentsOf: Fixtures.url(twin)).isInterlaced)
    }

    @Test("16-bit samples keep their low byte")
    func sixteenBitPrecision() throws {
        let image = try PNG.decode(contentsOf: Fixtures.url("rgb16"))
        #expect(image.bitDepth == 16)
        #expect(image.maxSampleValue == 65535)
        // The oracle's pattern has samples whose low byte is not a copy of the high byte.
        #expect(image.samples.contains { ($0 & 0xFF) != ($0 >> 8) })
        #expect(image.samples.contains { $0 > 255 && ($0 & 0xFF) != 0 })
    }

    static let headers: [(String, PNG.Header)] = [
        ("grey1", .init(width: 7, height: 5, channels: 1, bitDepth: 8, isInterlaced: false)),
        ("palette4trns", .init(width: 7, height: 5, channels: 4, bitDepth: 8, isInterlaced: false)),
        ("palette8", .init(width: 7, height: 5, channels: 3, bitDepth: 8, isInterlaced: false)),
        ("grey8key", .init(width: 7, height: 5, channels: 2, bitDepth: 8, isInterlaced: false)),
        ("rgba16adam7", .init(width: 7, height: 5, channels: 4, bitDepth: 16, isInterlaced: true)),
    ]

    @Test("header reports size, channels after expansion, depth and interlace", arguments: headers)
    func header(name: String, expected: PNG.Header) throws {
        #expect(try PNG.header(contentsOf: Fixtures.url(name)) == expected)
    }

    @Test("a bad CRC in an ancillary tEXt chunk still decodes")
    func badAncillaryCRC() throws {
        let image = try PNG.decode(contentsOf: Fixtures.url("badtextcrc"))
        #expect(image == (try Fixtures.expected("badtextcrc").image))
    }

    enum Failure: Sendable { case notPNG, truncatedPNG, invalidPNG, tooLarge }

    static let corruptCases: [(String, Failure, String)] = [
        ("truncated", .truncatedPNG, "file ends before the image data is complete"),
        ("badidatcrc", .invalidPNG, "IDAT chunk is damaged"),
        ("empty", .notPNG, "the file is empty"),
        ("signatureonly", .invalidPNG, "ends right after the PNG signature"),
        ("jpeg", .notPNG, "it starts like a JPEG"),
        ("text", .notPNG, "it is a text file"),
        ("huge", .tooLarge, "100000×100000"),
        ("absurdchunklength", .invalidPNG, "impossible length"),
    ]

    @Test("corrupt and non-PNG files give the right error, named and explained", arguments: corruptCases)
    func corrupt(name: String, failure: Failure, words: String) throws {
        let url = Fixtures.corrupt(name)
        let error = #expect(throws: ImagingError.self) { try PNG.decode(contentsOf: url) }
        let thrown = try #require(error)
        switch (failure, thrown) {
        case let (.notPNG, .notPNG(file, _)), let (.invalidPNG, .invalidPNG(file, _)), let (.truncatedPNG, .truncatedPNG(file)):
            #expect(file == url.path)
        case let (.tooLarge, .tooLarge(file, width, height, limit)):
            #expect(file == url.path)
            #expect(width == 100_000 && height == 100_000 && limit == PNG.defaultPixelLimit)
        default:
            Issue.record("expected \(failure), got \(thrown)")
        }
        #expect(thrown.description.contains(words), "\(thrown.description)")
        #expect(thrown.description.contains(url.lastPathComponent))
    }

    @Test("a pixel limit below the image size refuses it")
    func customPixelLimit() throws {
        let bytes = try Data(contentsOf: Fixtures.url("rgb8"))
        #expect(throws: ImagingError.tooLarge(file: "x.png", width: 7, height: 5, limit: 34)) {
            try PNG.decode([UInt8](bytes), name: "x.png", pixelLimit: 34)
        }
        #expect(try PNG.decode([UInt8](bytes), name: "x.png", pixelLimit: 35).width == 7)
    }

    @Test("a missing file is unreadable, naming it")
    func missingFile() {
        #expect(throws: ImagingError.unreadable(file: "/nonexistent/a.png", reason: "no such file or directory")) {
            try PNG.decode(contentsOf: URL(fileURLWithPath: "/nonexistent/a.png"))
        }
    }

    @Test("encode then decode returns the same samples", arguments: 1...4)
    func roundTrip(channels: Int) throws {
        let (width, height) = (13, 6)
        let samples = (0..<(width * height * channels)).map { UInt16(($0 * 37 + 11) % 256) }
        let image = Image(width: width, height: height, channels: channels, samples: samples)
        let bytes = try PNG.encode(image)
        #expect(Array(bytes.prefix(8)) == Signature.png)
        #expect(try PNG.decode(bytes, name: "memory") == image)
    }

    @Test("write is atomic and readable back; 16-bit images are refused")
    func writeFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = Image(width: 2, height: 2, channels: 3, samples: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        let url = folder.appendingPathComponent("out.png")
        try PNG.write(image, to: url)
        #expect(try PNG.decode(contentsOf: url) == image)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.png"])
        let deep = Image(width: 1, height: 1, channels: 1, bitDepth: 16, samples: [300])
        #expect(throws: ImagingError.self) { try PNG.write(deep, to: url) }
    }
}
