import Foundation
import Testing
// One set of helpers for every test target: temporaryFolder, isClose, the fuzz corpora.
@_exported import TestSupport
@testable import Imaging

/// The fixtures written by `scripts/make_png_fixtures.py`, read from the source tree.
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name + ".png") }
    static func corrupt(_ name: String) -> URL { folder.appendingPathComponent("corrupt").appendingPathComponent(name + ".png") }

    /// The samples a fixture must decode to, as the Python oracle computed them.
    struct Expected: Decodable {
        var width: Int
        var height: Int
        var channels: Int
        var bitDepth: Int
        var samples: [UInt16]
        var image: Image { Image(width: width, height: height, channels: channels, bitDepth: bitDepth, samples: samples) }
    }

    static func expected(_ name: String) throws -> Expected {
        let data = try Data(contentsOf: folder.appendingPathComponent(name + ".json"))
        return try JSONDecoder().decode(Expected.self, from: data)
    }
}
