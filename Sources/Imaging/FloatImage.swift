/// An image as Float samples in 0…1, row-major, channels interleaved: the working form of
/// compositing, colour conversion and resizing.
///
/// Shapes: `values.count == width × height × channels`; value `(x, y, c)` sits at
/// `(y × width + x) × channels + c`. Conversion from stored samples: `v / (2^bitDepth − 1)`.
public struct FloatImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.
    public var channels: Int
    /// `width × height × channels` values in 0…1.
    public var values: [Float]

    /// Creates a Float image.
    /// - Precondition: `values.count == width × height × channels`.
    public init(width: Int, height: Int, channels: Int, values: [Float]) {
        precondition(values.count == width * height * channels,
                     "values.count \(values.count) != \(width)×\(height)×\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.values = values
    }

    /// Samples scaled to 0…1: `value = sample / maxSampleValue`.
    public init(_ image: Image) {
        let scale = 1 / Float(image.maxSampleValue)
        self.init(width: image.width, height: image.height, channels: image.channels,
                  values: image.samples.map { Float($0) * scale })
    }

    /// Quantises to an 8-bit image: `sample = ⌊clamp(v, 0, 1) · 255 + 0.5⌋` (round half up).
    public func quantized() -> Image {
        let samples = [UInt16](unsafeUninitializedCapacity: values.count) { out, initialized in
            values.withUnsafeBufferPointer { v in
                for i in 0..<v.count { out[i] = FloatImage.quantize(v[i]) }
            }
            initialized = values.count
        }
        return Image(width: width, height: height, channels: channels, bitDepth: 8, samples: samples)
    }

    /// `⌊clamp(v, 0, 1) · 255 + 0.5⌋`; NaN maps to 0.
    @inline(__always)
    static func quantize(_ v: Float) -> UInt16 {
        let clamped = v > 0 ? min(v, 1) : 0
        return UInt16(clamped * 255 + 0.5)
    }
}
