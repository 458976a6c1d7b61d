/// Whether the training images look the same, as a population, when mirrored left–right: the test
/// behind `Augmentation.flipWhenSymmetric` (the default), which flips photographs of scenes and
/// objects but never digits, letters or hand signs.
///
/// For the `n` images `xᵢ` (bytes / 255) of one class, with `M` the left–right mirror, the mirror
/// differences `dᵢ = xᵢ − M xᵢ` have mean `d̄` and per-input variances `s²ⱼ`. If the class's
/// images are as likely as their mirror images, `E[d̄] = 0` and
/// ```
/// rₖ = n · ‖d̄‖² / Σⱼ s²ⱼ        (≈ 1 by chance alone; E[rₖ] = 1 + n · ‖δ‖² / tr Σ)
/// ```
/// measures the mean asymmetry in units of its noise. A class is *asymmetric* when `rₖ` is both
/// significant (`> significance`, 3) and not negligible: `(rₖ − 1) / n`, an estimate of
/// `‖δ‖² / tr Σ`, above `minimumEffect` (0.02), so that a few thousand real photographs with a
/// slight framing habit still count as symmetric. The images are mirror-symmetric when no class
/// is asymmetric and every class has at least `minimumImages` (50) images: fewer cannot tell 28×28
/// digits from scenes (at 20 per class their largest `rₖ` fell to 2.7 in some draws).
///
/// Measured on the accuracy suite's training images (largest `rₖ` over the classes): 8×8 digits
/// 350, hand signs 49, 28×28 digits 36 (symmetric classes such as 0 and 8 near 1.6); fruit 2.0,
/// photo patches 1.3, shapes 2.4, weather scenes 2.7.
public struct MirrorSymmetry: Sendable, Equatable {
    /// `rₖ` of every class with at least two images, in class order (`nil` for the others).
    public var significance: [Double?]
    /// Training images per class.
    public var counts: [Int]

    /// `rₖ` above this is more asymmetry than chance gives.
    public static let significance = 3.0
    /// `(rₖ − 1) / n` above this is an asymmetry worth keeping (its share of the variance).
    public static let minimumEffect = 0.02
    /// Fewer images in any class and the test is not trusted: no flips.
    public static let minimumImages = 50

    /// The statistics of `dataset`'s images (`shape`), summed in example order in `Double`.
    public init(of dataset: Dataset, shape: ImageShape) {
        let (w, h, c) = (shape.width, shape.height, shape.channels)
        let d = shape.byteCount
        var sum = [Double](repeating: 0, count: dataset.classCount * d)  // Σᵢ dᵢ of class k at k·d ..< (k + 1)·d
        var squares = [Double](repeating: 0, count: dataset.classCount)
        var counts = [Int](repeating: 0, count: dataset.classCount)
        dataset.inputs.withUnsafeBufferPointer { bytes in
            for (i, k) in dataset.labels.enumerated() {
                let row = i * d
                counts[k] += 1
                var q = 0.0
                for y in 0 ..< h {
                    for x in 0 ..< w {
                        let here = row + (y * w + x) * c, there = row + (y * w + (w - 1 - x)) * c
                        for channel in 0 ..< c {
                            let v = (Double(bytes[here + channel]) - Double(bytes[there + channel])) / 255
                            sum[k * d + (y * w + x) * c + channel] += v
                            q += v * v
                        }
                    }
                }
                squares[k] += q
            }
        }
        self.counts = counts
        significance = (0 ..< dataset.classCount).map { k in
            let n = Double(counts[k])
            guard counts[k] >= 2 else { return nil }
            let meanSquared = sum[k * d ..< (k + 1) * d].reduce(0) { $0 + ($1 / n) * ($1 / n) }  // ‖d̄‖²
            // Σⱼ s²ⱼ with n − 1: (Σᵢ ‖dᵢ‖² − n ‖d̄‖²) / (n − 1).
            let variance = max(0, squares[k] - n * meanSquared) / (n - 1)
            if variance == 0 { return meanSquared == 0 ? 0 : .infinity }
            return n * meanSquared / variance
        }
    }

    /// Whether class `k` is asymmetric: significant and not negligible.
    public func isAsymmetric(_ k: Int) -> Bool {
        guard let r = significance[k] else { return false }
        return r > Self.significance && (r - 1) / Double(counts[k]) > Self.minimumEffect
    }

    /// Whether flipping left–right keeps the images plausible: every class with images has at least
    /// `minimumImages`, and none is asymmetric.
    public var isSymmetric: Bool {
        let present = counts.indices.filter { counts[$0] > 0 }
        return !present.isEmpty && present.allSatisfy { counts[$0] >= Self.minimumImages && !isAsymmetric($0) }
    }

    /// The largest `rₖ` over the classes (0 without any).
    public var largestSignificance: Double { significance.compactMap { $0 }.max() ?? 0 }
}
