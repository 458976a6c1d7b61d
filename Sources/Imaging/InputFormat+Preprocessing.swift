extension InputFormat {
    /// The one preprocessing path shared by train, evaluate, predict and preview: composite
    /// transparency onto `background`, convert colour, resize to `width × height`, quantise to 8 bits.
    /// Returns an 8-bit image with `color.channels` channels and this format's size.
    ///
    /// Steps (each documented where it lives):
    /// 1. `FloatImage(flattening:to:background:)`: `out = a·c + (1−a)·bg`, then BT.601 luma or grey → RGB;
    /// 2. `FloatImage.resized`: area averaging when shrinking, bilinear when enlarging, identity when equal;
    /// 3. `FloatImage.quantized`: `⌊v·255 + 0.5⌋`.
    ///
    /// Shapes: any `w × h × (1…4)` image, 8 or 16 bits → `width × height × color.channels`, 8 bits.
    /// An 8-bit image without alpha that already has this size and colour is returned as is (a copy).
    public func preprocess(_ image: Image) -> Image {
        if image.bitDepth == 8, image.channels == color.channels, image.width == width, image.height == height {
            return image
        }
        return FloatImage.prepared(image, for: self).quantized()
    }

    /// `preprocess(image).samples / 255`, length `inputCount`, row-major, channels interleaved,
    /// values in 0…1: the pixels an exported ONNX model takes (a classifier's network inputs add
    /// its input standardization: `ImageClassifier.inputs(for:)`).
    public func inputVector(for image: Image) -> [Float] {
        preprocess(image).samples.map { Float($0) / 255 }
    }
}

extension InputFormat {
    /// `preprocess(image)` written straight into `row` (length `inputCount`) as bytes: the sample
    /// matrix is filled without an intermediate 16-bit image.
    func preprocess(_ image: Image, into row: UnsafeMutableBufferPointer<UInt8>) {
        precondition(row.count == inputCount, "row has \(row.count) bytes, the format needs \(inputCount)")
        if image.bitDepth == 8, image.channels == color.channels, image.width == width, image.height == height {
            image.samples.withUnsafeBufferPointer { s in
                for i in 0..<row.count { row[i] = UInt8(truncatingIfNeeded: s[i]) }
            }
            return
        }
        let resized = FloatImage.prepared(image, for: self)
        resized.values.withUnsafeBufferPointer { v in
            for i in 0..<row.count { row[i] = UInt8(truncatingIfNeeded: FloatImage.quantize(v[i])) }
        }
    }
}
