/// A decoded raster image: samples as the file stores them, row-major, channels interleaved.
///
/// Shapes: `samples.count == width × height × channels`. Sample `(x, y, c)` sits at
/// `(y × width + x) × channels + c`. Channel layouts: 1 = grey, 2 = grey + alpha,
/// 3 = RGB, 4 = RGBA. `bitDepth` is 8 or 16; samples hold `0 … 2^bitDepth − 1`
/// (palette and low-bit-depth images are expanded to 8 bits, 16-bit keeps its precision).
public struct Image: Sendable, Equatable {
    /// Columns of pixels.
    public var width: Int
    /// Rows of pixels.
    public var height: Int
    /// Samples per pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.
    public var channels: Int
    /// Bits per stored sample: 8 or 16.
    public var bitDepth: Int
    /// `width × height × channels` samples, row-major, channels interleaved.
    public var samples: [UInt16]

    /// Creates an image from its samples.
    /// - Precondition: `samples.count == width × height × channels`, `channels ∈ 1…4`, `bitDepth ∈ {8, 16}`.
    public init(width: Int, height: Int, channels: Int, bitDepth: Int = 8, samples: [UInt16]) {
        precondition(channels >= 1 && channels <= 4, "channels must be 1…4, got \(channels)")
        precondition(bitDepth == 8 || bitDepth == 16, "bitDepth must be 8 or 16, got \(bitDepth)")
        precondition(samples.count == width * height * channels,
                     "samples.count \(samples.count) != \(width)×\(height)×\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.samples = samples
    }

    /// The largest sample value, `2^bitDepth − 1` (255 or 65535).
    public var maxSampleValue: Int { bitDepth == 16 ? 65535 : 255 }

    /// True when the image has an alpha channel (2 or 4 channels).
    public var hasAlpha: Bool { channels == 2 || channels == 4 }

    /// True when the colour channels are grey (1 or 2 channels).
    public var isGray: Bool { channels <= 2 }
}
