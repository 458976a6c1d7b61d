import Foundation
import Testing
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

/// The one float comparison of this suite: `|a − b| ≤ tolerance` element-wise, same count.
func isClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
}

/// A fresh empty temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("imaging-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
