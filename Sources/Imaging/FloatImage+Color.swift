/// Colour conversion and alpha compositing.
///
/// Luma (ITU-R BT.601): `Y = 0.299 R + 0.587 G + 0.114 B`. Grey → RGB copies the grey value to
/// every channel. Compositing onto an opaque background `bg` (components in 0…1):
/// `out = a · c + (1 − a) · bg`, with `a` and `c` scaled to 0…1 by the sample's own maximum.
/// A grey image composites onto the background's luma when the result is grey.
extension FloatImage {
    /// BT.601 luma weights for R, G, B.
    public static let lumaWeights: (red: Float, green: Float, blue: Float) = (0.299, 0.587, 0.114)

    /// BT.601 luma of an RGB triple in 0…1.
    @inline(__always)
    public static func luma(_ red: Float, _ green: Float, _ blue: Float) -> Float {
        lumaWeights.red * red + lumaWeights.green * green + lumaWeights.blue * blue
    }

    /// Composites alpha onto `background` and converts to `color`, in one pass over the samples.
    ///
    /// Shapes: `image` is `width × height × (1…4)`; the result is `width × height × color.channels`.
    /// - Parameters:
    ///   - image: any decoded image, 8 or 16 bits, with or without alpha.
    ///   - color: `.gray` (luma) or `.rgb`.
    ///   - background: where transparent pixels show through; ignored for opaque images.
    public init(flattening image: Image, to color: ColorMode, background: BackgroundColor) {
        let pixels = image.width * image.height
        let outChannels = color.channels
        let inChannels = image.channels
        let scale = 1 / Float(image.maxSampleValue)
        let bg = (background.red, background.green, background.blue)
        let bgLuma = FloatImage.luma(background.red, background.green, background.blue)
        let values = [Float](unsafeUninitializedCapacity: pixels * outChannels) { out, initialized in
            image.samples.withUnsafeBufferPointer { s in
                switch (inChannels, outChannels) {
                case (1, 1):
                    for p in 0..<pixels { out[p] = Float(s[p]) * scale }
                case (1, 3):
                    for p in 0..<pixels {
                        let g = Float(s[p]) * scale
                        out[3 * p] = g; out[3 * p + 1] = g; out[3 * p + 2] = g
                    }
                case (2, 1):
                    for p in 0..<pixels {
                        let g = Float(s[2 * p]) * scale, a = Float(s[2 * p + 1]) * scale
                        out[p] = a * g + (1 - a) * bgLuma
                    }
                case (2, 3):
                    for p in 0..<pixels {
                        let g = Float(s[2 * p]) * scale, a = Float(s[2 * p + 1]) * scale
                        let ga = a * g, b = 1 - a
                        out[3 * p] = ga + b * bg.0; out[3 * p + 1] = ga + b * bg.1; out[3 * p + 2] = ga + b * bg.2
                    }
                case (3, 1):
                    for p in 0..<pixels {
                        out[p] = FloatImage.luma(Float(s[3 * p]), Float(s[3 * p + 1]), Float(s[3 * p + 2])) * scale
                    }
                case (3, 3):
                    for i in 0..<(3 * pixels) { out[i] = Float(s[i]) * scale }
                case (4, 1):
                    for p in 0..<pixels {
                        let y = FloatImage.luma(Float(s[4 * p]), Float(s[4 * p + 1]), Float(s[4 * p + 2])) * scale
                        let a = Float(s[4 * p + 3]) * scale
                        out[p] = a * y + (1 - a) * bgLuma
                    }
                default: // (4, 3)
                    for p in 0..<pixels {
                        let a = Float(s[4 * p + 3]) * scale, b = 1 - a
                        let k = a * scale
                        out[3 * p] = k * Float(s[4 * p]) + b * bg.0
                        out[3 * p + 1] = k * Float(s[4 * p + 1]) + b * bg.1
                        out[3 * p + 2] = k * Float(s[4 * p + 2]) + b * bg.2
                    }
                }
            }
            initialized = pixels * outChannels
        }
        self.init(width: image.width, height: image.height, channels: outChannels, values: values)
    }
}
