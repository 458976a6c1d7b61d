/// Resizing: area averaging when shrinking, bilinear when enlarging, identity when equal —
/// chosen per axis and applied separably (rows, then columns).
///
/// - Shrinking `n → m` (m < n), box filter with exact fractional coverage: output `i` covers
///   source interval `[i·n/m, (i+1)·n/m)`, and `out[i] = Σⱼ |[j, j+1) ∩ interval| · in[j] / (n/m)`.
///   (Pillow's `Image.reduce`/`BOX`, OpenCV `INTER_AREA`.)
/// - Enlarging, bilinear with pixel centres aligned (`align_corners=False`, as Pillow/OpenCV):
///   `x = (i + 0.5)·n/m − 0.5`, clamped to `[0, n − 1]`; `out[i] = (1 − t)·in[⌊x⌋] + t·in[⌊x⌋ + 1]`, `t = x − ⌊x⌋`.
/// - Equal size: the samples are copied unchanged.
extension FloatImage {
    /// Returns this image resampled to `width × height` (same channels).
    ///
    /// Shapes: `self.width × self.height × channels → width × height × channels`.
    /// - Precondition: `width ≥ 1`, `height ≥ 1`, and the image is not empty.
    public func resized(width newWidth: Int, height newHeight: Int) -> FloatImage {
        precondition(newWidth >= 1 && newHeight >= 1, "target size must be at least 1×1, got \(newWidth)×\(newHeight)")
        precondition(width >= 1 && height >= 1, "cannot resize an empty \(width)×\(height) image")
        if newWidth == width && newHeight == height { return self }
        if newWidth == width { return resampledVertically(ResampleAxis(from: height, to: newHeight)) }
        if newHeight == height { return resampledHorizontally(ResampleAxis(from: width, to: newWidth)) }
        // Separable, so either order gives the same result up to rounding; shrinking rows first
        // makes the (strided, scalar) horizontal pass run on fewer rows, the (contiguous,
        // vectorised) vertical pass does the bulk of the work.
        if newHeight < height {
            return resampledVertically(ResampleAxis(from: height, to: newHeight))
                .resampledHorizontally(ResampleAxis(from: width, to: newWidth))
        }
        return resampledHorizontally(ResampleAxis(from: width, to: newWidth))
            .resampledVertically(ResampleAxis(from: height, to: newHeight))
    }

    /// Rows: `out[y][i][c] = Σₖ w(i, k) · in[y][start(i) + k][c]`.
    func resampledHorizontally(_ axis: ResampleAxis) -> FloatImage {
        let m = axis.outputCount, c = channels, rows = height, inStride = width * c
        let values = [Float](unsafeUninitializedCapacity: m * rows * c) { out, initialized in
            self.values.withUnsafeBufferPointer { src in
                axis.weights.withUnsafeBufferPointer { weights in
                    axis.starts.withUnsafeBufferPointer { starts in
                        axis.counts.withUnsafeBufferPointer { counts in
                            axis.weightOffsets.withUnsafeBufferPointer { offsets in
                                for y in 0..<rows {
                                    let inRow = y * inStride, outRow = y * m * c
                                    for i in 0..<m {
                                        let base = inRow + starts[i] * c, first = offsets[i], taps = counts[i]
                                        for ch in 0..<c {
                                            var sum: Float = 0
                                            for k in 0..<taps { sum += weights[first + k] * src[base + k * c + ch] }
                                            out[outRow + i * c + ch] = sum
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialized = m * rows * c
        }
        return FloatImage(width: m, height: height, channels: c, values: values)
    }

    /// Columns: `out[i] (a whole row) = Σₖ w(i, k) · in[start(i) + k]` — contiguous row vectors.
    func resampledVertically(_ axis: ResampleAxis) -> FloatImage {
        let m = axis.outputCount, stride = width * channels
        let values = [Float](unsafeUninitializedCapacity: m * stride) { out, initialized in
            self.values.withUnsafeBufferPointer { src in
                guard let out = out.baseAddress, let src = src.baseAddress else { return }
                for i in 0..<m {
                    let start = axis.starts[i], first = axis.weightOffsets[i], taps = axis.counts[i]
                    let outRow = i * stride
                    let w0 = axis.weights[first], row0 = start * stride
                    for x in 0..<stride { out[outRow + x] = w0 * src[row0 + x] }
                    for k in 1..<max(taps, 1) {
                        let w = axis.weights[first + k], row = (start + k) * stride
                        for x in 0..<stride { out[outRow + x] += w * src[row + x] }
                    }
                }
            }
            initialized = m * stride
        }
        return FloatImage(width: width, height: m, channels: channels, values: values)
    }
}

/// The taps of a one-dimensional resampling `n → m`: output `i` reads `counts[i]` inputs starting at
/// `starts[i]`, weighted by `weights[weightOffsets[i] ..< weightOffsets[i] + counts[i]]` (summing to 1).
struct ResampleAxis: Sendable, Equatable {
    var inputCount: Int
    var outputCount: Int
    var starts: [Int] = []
    var counts: [Int] = []
    var weightOffsets: [Int] = []
    var weights: [Float] = []

    /// Area averaging when `m < n`, bilinear when `m > n`, identity when `m == n`.
    init(from n: Int, to m: Int) {
        inputCount = n
        outputCount = m
        starts.reserveCapacity(m)
        counts.reserveCapacity(m)
        weightOffsets.reserveCapacity(m)
        if m < n {
            // Exact coverage in Double: interval ends i·n/m are rational, errors stay ~1e-16.
            let scale = Double(n) / Double(m)
            for i in 0..<m {
                let lo = Double(i) * scale, hi = Double(i + 1) * scale
                let first = Int(lo.rounded(.down)), last = min(n - 1, Int(hi.rounded(.up)) - 1)
                var taps: [Double] = []
                for j in first...last {
                    let overlap = min(hi, Double(j + 1)) - max(lo, Double(j))
                    taps.append(max(0, overlap))
                }
                let total = taps.reduce(0, +)
                append(start: first, taps: taps.map { $0 / total })
            }
        } else if m > n {
            let scale = Double(n) / Double(m)
            for i in 0..<m {
                let x = min(max((Double(i) + 0.5) * scale - 0.5, 0), Double(n - 1))
                let j0 = Int(x.rounded(.down)), t = x - Double(j0)
                if j0 + 1 < n, t > 0 { append(start: j0, taps: [1 - t, t]) } else { append(start: j0, taps: [1]) }
            }
        } else {
            for i in 0..<n { append(start: i, taps: [1]) }
        }
    }

    private mutating func append(start: Int, taps: [Double]) {
        starts.append(start)
        counts.append(taps.count)
        weightOffsets.append(weights.count)
        weights.append(contentsOf: taps.map { Float($0) })
    }
}

extension FloatImage {
    /// The vertical pass read straight from stored samples, scaled to 0…1 on the way:
    /// `out[i] = Σₖ w(i, k) · in[start(i) + k] / maxSampleValue` (rows as contiguous vectors).
    /// Used by preprocessing when no compositing or colour conversion is needed, so the full-size
    /// Float copy of the image is never made.
    ///
    /// Shapes: `image.width × image.height × image.channels → image.width × axis.outputCount × image.channels`.
    init(resamplingRowsOf image: Image, _ axis: ResampleAxis) {
        let m = axis.outputCount, stride = image.width * image.channels
        let scale = 1 / Float(image.maxSampleValue)
        let values = [Float](unsafeUninitializedCapacity: m * stride) { out, initialized in
            image.samples.withUnsafeBufferPointer { src in
                guard let out = out.baseAddress, let src = src.baseAddress else { return }
                for i in 0..<m {
                    let start = axis.starts[i], first = axis.weightOffsets[i], taps = axis.counts[i]
                    let target = out + i * stride
                    let w0 = axis.weights[first] * scale, row0 = src + start * stride
                    for x in 0..<stride { target[x] = w0 * Float(row0[x]) }
                    for k in 1..<max(taps, 1) {
                        let w = axis.weights[first + k] * scale, row = src + (start + k) * stride
                        for x in 0..<stride { target[x] += w * Float(row[x]) }
                    }
                }
            }
            initialized = m * stride
        }
        self.init(width: image.width, height: m, channels: image.channels, values: values)
    }

    /// Composite/convert, then resize — or, when the image is opaque, already in the target colour
    /// and shrinks vertically, resample its rows straight from the stored samples first.
    static func prepared(_ image: Image, for format: InputFormat) -> FloatImage {
        if !image.hasAlpha, image.channels == format.color.channels, format.height < image.height {
            let rows = FloatImage(resamplingRowsOf: image, ResampleAxis(from: image.height, to: format.height))
            return format.width == image.width
                ? rows : rows.resampledHorizontally(ResampleAxis(from: image.width, to: format.width))
        }
        return FloatImage(flattening: image, to: format.color, background: format.background)
            .resized(width: format.width, height: format.height)
    }
}
