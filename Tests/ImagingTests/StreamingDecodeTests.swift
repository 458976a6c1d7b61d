import Foundation
import Testing
@testable import Imaging

/// `InputFormat.preprocessed(contentsOf:)` streams tall images through the vertical area average
/// band by band (issue 14); it must give exactly the bytes of decoding whole, then preprocessing.
@Suite struct StreamingDecodeTests {
    static let formats = [
        InputFormat(width: 3, height: 2, color: .gray),
        InputFormat(width: 5, height: 3, color: .rgb, background: BackgroundColor(red: 0.2, green: 0.5, blue: 0.9)),
        InputFormat(width: 1, height: 1, color: .gray, background: .black),
    ]

    @Test("every fixture: streamed equals decode-then-preprocess, byte for byte", arguments: [
        "grey1", "grey2", "grey4", "grey8", "grey16", "grey8key", "grey16key", "greyalpha8", "greyalpha16",
        "palette1", "palette2", "palette1trns", "palette2trns", "composite", "grey8adam7", "greyalpha8adam7", "grey16adam7",
        "rgb8", "rgb16", "rgb8key", "rgba8", "rgba16", "palette8trns", "badtextcrc",
    ])
    func streamedEqualsWhole(name: String) throws {
        let url = Fixtures.url(name)
        for format in Self.formats {
            let whole = format.preprocess(try PNG.decode(contentsOf: url))
            #expect(try format.preprocessed(contentsOf: url) == whole, "\(name) → \(format.width)×\(format.height)")
            #expect(try format.inputVector(contentsOf: url) == format.inputVector(for: try PNG.decode(contentsOf: url)))
        }
    }

    @Test("a tall image spanning many bands, 8 and 16 bits, with alpha, streams exactly")
    func manyBands() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for channels in 1...4 {
            let width = 37, height = 101
            let samples = (0..<(width * height * channels)).map { UInt16(($0 * 7919) % 256) }
            let url = folder.appendingPathComponent("tall\(channels).png")
            try PNG.write(Image(width: width, height: height, channels: channels, samples: samples), to: url)
            for format in Self.formats + [InputFormat(width: 37, height: 9, color: .rgb), InputFormat(width: 50, height: 7, color: .gray)] {
                let whole = format.preprocess(try PNG.decode(contentsOf: url))
                #expect(try format.preprocessed(contentsOf: url) == whole, "\(channels) channels → \(format.width)×\(format.height)")
            }
        }
    }

    @Test("a truncated file fails the same way streamed")
    func truncated() throws {
        let url = Fixtures.corrupt("truncated")
        let format = InputFormat(width: 2, height: 2, color: .gray)
        let whole = #expect(throws: ImagingError.self) { try PNG.decode(contentsOf: url) }
        let streamed = #expect(throws: ImagingError.self) { try format.preprocessed(contentsOf: url) }
        #expect(whole == streamed)
    }
}
