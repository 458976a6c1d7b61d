import CPNG
import Platform

/// Preprocessing straight from a PNG file, streaming when it pays: a 10000×10000 image shrunk to
/// 32×32 never exists in memory whole.
///
/// When the image is not interlaced and shrinks vertically, rows come from libpng in bands and
/// each row is added into the output rows whose area it covers,
/// `out[i] = Σₖ w(i, k) · row[start(i) + k]` (the vertical pass of `FloatImage.resized`, in the
/// same order of operations, so the result is bit-identical to decoding first), and the horizontal
/// pass runs on the `width × format.height` result. Peak memory is the file's bytes, one band of
/// rows and `width × format.height × channels` floats, whatever the pixel count. Other images
/// (interlaced, or not taller than the format) are decoded whole, then preprocessed.
extension InputFormat {
    /// Rows decoded per call into libpng.
    static let bandRows = 16

    /// `preprocess(PNG.decode(contentsOf: url))`, streaming as described above.
    /// - Throws: the `ImagingError` of reading or decoding the file.
    public func preprocessed(contentsOf url: URL, budget: MemoryBudget? = nil) throws(ImagingError) -> Image {
        try prepared(contentsOf: url, budget: budget) { decoded in
            switch decoded {
            case let .whole(image): preprocess(image)
            case let .streamed(values): values.quantized()
            }
        }
    }

    /// `inputVector(for: PNG.decode(contentsOf: url))`, streaming as described above. Workers sharing
    /// `budget` take turns at images that must be decoded whole.
    /// - Throws: the `ImagingError` of reading or decoding the file.
    public func inputVector(contentsOf url: URL, budget: MemoryBudget? = nil) throws(ImagingError) -> [Float] {
        try preprocessed(contentsOf: url, budget: budget).samples.map { Float($0) / 255 }
    }

    /// `preprocess(PNG.decode(contentsOf: url), into: row)`, streaming as described above.
    func preprocess(contentsOf url: URL, into row: UnsafeMutableBufferPointer<UInt8>, budget: MemoryBudget? = nil) throws(ImagingError) {
        try prepared(contentsOf: url, budget: budget) { decoded in
            switch decoded {
            case let .whole(image): preprocess(image, into: row)
            case let .streamed(values):
                values.values.withUnsafeBufferPointer { v in
                    for i in 0..<row.count { row[i] = UInt8(truncatingIfNeeded: FloatImage.quantize(v[i])) }
                }
            }
        }
    }

    /// What `prepared` hands on: the whole decoded image, or the streamed image already resized.
    private enum Decoded {
        case whole(Image)
        case streamed(FloatImage)
    }

    /// Hands `finish` either the whole decoded image or the streamed, resized Float image.
    private func prepared<R>(contentsOf url: URL, budget: MemoryBudget?, _ finish: (Decoded) -> R) throws(ImagingError) -> R {
        let name = url.relativePath
        let bytes = try PNG.readFile(url.path, name: name)
        let result: Result<R, ImagingError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(ImagingError) -> R in
                try PNG.withDecoder(buffer, name: name, pixelLimit: UInt64(PNG.defaultPixelLimit)) { (decoder, info) throws(ImagingError) -> R in
                    guard info.interlaced == 0, height < Int(info.height), info.width > 0 else {
                        guard let budget else { return finish(.whole(try PNG.readImage(decoder, info, name: name))) }
                        let estimate = MemoryBudget.wholeDecodeEstimate(width: Int(info.width), height: Int(info.height),
                                                                        channels: Int(info.channels), outputChannels: color.channels)
                        return try budget.reserving(estimate) { () throws(ImagingError) -> R in
                            finish(.whole(try PNG.readImage(decoder, info, name: name)))
                        }
                    }
                    return finish(.streamed(try streamed(decoder, info, name: name)))
                }
            }
        }
        return try result.get()
    }

    /// Decodes `buffer` band by band through the vertical area-averaging pass, then the horizontal pass.
    private func streamed(_ decoder: OpaquePointer, _ info: cpng_info, name: String) throws(ImagingError) -> FloatImage {
        let width = Int(info.width), height = Int(info.height), channels = Int(info.channels)
        let bitDepth = Int(info.bit_depth)
        let opaque = channels == 1 || channels == 3
        // Opaque images already in the target colour read samples directly (the weight absorbs
        // 1 / maxSampleValue, as `FloatImage(resamplingRowsOf:)` does); others are flattened per band.
        let direct = opaque && channels == color.channels
        let scale = 1 / Float(bitDepth == 16 ? 65535 : 255)
        let axis = ResampleAxis(from: height, to: self.height)
        let stride = width * color.channels
        var sums = [Float](repeating: 0, count: self.height * stride)
        var band = [UInt16](repeating: 0, count: InputFormat.bandRows * width * channels)
        var firstOutput = 0
        var y = 0
        while y < height {
            let rows = min(InputFormat.bandRows, height - y)
            var status: Int32 = 0
            var reason = ""
            band.withUnsafeMutableBufferPointer { samples in
                status = PNG.withMessageBuffer { message in
                    cpng_decoder_read_rows(decoder, samples.baseAddress, UInt32(rows), message, PNG.messageCapacity)
                } onFailure: { reason = $0 }
            }
            if status != Int32(CPNG_OK) { throw PNG.failure(status, reason, name: name) }
            let values: [Float] = direct
                ? band[0..<(rows * stride)].map { Float($0) }
                : FloatImage(flattening: Image(width: width, height: rows, channels: channels, bitDepth: bitDepth,
                                               samples: Array(band[0..<(rows * width * channels)])),
                             to: color, background: background).values
            values.withUnsafeBufferPointer { source in
                sums.withUnsafeMutableBufferPointer { out in
                    for r in 0..<rows {
                        let inputRow = y + r
                        while firstOutput < self.height, axis.starts[firstOutput] + axis.counts[firstOutput] <= inputRow {
                            firstOutput += 1
                        }
                        var i = firstOutput
                        while i < self.height, axis.starts[i] <= inputRow {
                            let k = inputRow - axis.starts[i]
                            let w = direct ? axis.weights[axis.weightOffsets[i] + k] * scale : axis.weights[axis.weightOffsets[i] + k]
                            let target = out.baseAddress! + i * stride, row = source.baseAddress! + r * stride
                            if k == 0 {
                                for x in 0..<stride { target[x] = w * row[x] }
                            } else {
                                for x in 0..<stride { target[x] += w * row[x] }
                            }
                            i += 1
                        }
                    }
                }
            }
            y += rows
        }
        let rows = FloatImage(width: width, height: self.height, channels: color.channels, values: sums)
        return self.width == width ? rows : rows.resampledHorizontally(ResampleAxis(from: width, to: self.width))
    }
}
