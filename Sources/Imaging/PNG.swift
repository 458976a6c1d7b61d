import Foundation

/// The PNG codec: decoding every PNG variant through libpng (samples as stored, no gamma or
/// colour management) and encoding 8-bit grey, grey + alpha, RGB and RGBA images.
public enum PNG {
    /// The default pixel budget: images whose header declares more pixels are refused
    /// before any pixel buffer is allocated.
    public static let defaultPixelLimit = 100_000_000

    /// Header facts read without decoding pixels.
    public struct Header: Sendable, Equatable {
        public var width: Int
        public var height: Int
        /// Channels after expansion: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA (palette → 3 or 4; tRNS adds alpha).
        public var channels: Int
        /// 8 or 16 after expansion.
        public var bitDepth: Int
        public var isInterlaced: Bool
    }

    /// Decodes PNG bytes. `name` is used in error messages.
    public static func decode(_ bytes: [UInt8], name: String, pixelLimit: Int = defaultPixelLimit) throws(ImagingError) -> Image {
        fatalError("unimplemented")
    }

    /// Reads and decodes a PNG file.
    public static func decode(contentsOf url: URL, pixelLimit: Int = defaultPixelLimit) throws(ImagingError) -> Image {
        fatalError("unimplemented")
    }

    /// Reads only the header of a PNG file.
    public static func header(contentsOf url: URL) throws(ImagingError) -> Header {
        fatalError("unimplemented")
    }

    /// Encodes an 8-bit image (1–4 channels) as PNG bytes.
    public static func encode(_ image: Image) throws(ImagingError) -> [UInt8] {
        fatalError("unimplemented")
    }

    /// Encodes and writes an 8-bit image atomically.
    public static func write(_ image: Image, to url: URL) throws(ImagingError) {
        fatalError("unimplemented")
    }
}
