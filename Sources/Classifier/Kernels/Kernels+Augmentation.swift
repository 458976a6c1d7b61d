/// The byte kernel of augmentation (`Augmentation`): one image row of a byte matrix, shifted
/// and possibly mirrored, into a row of another. Pointers never leave their closures.
extension Kernels {
    /// `target[y, x, c] = source[clamp(y − dy), clamp(m(x) − dx), c]` with `m(x) = w − 1 − x` when
    /// `mirrored` (else `x`) and `clamp` to the image: a shift by `(dx, dy)` of the (mirrored)
    /// image, the nearest edge pixel repeated where the shift uncovers the border.
    ///
    /// Shapes: row `sourceRow` of `source` and row `targetRow` of `target`, each `shape.byteCount` bytes.
    static func transform(_ source: [UInt8], row sourceRow: Int, shape: ImageShape, dx: Int, dy: Int, mirrored: Bool,
                          into target: inout [UInt8], row targetRow: Int) {
        let (w, h, channels, n) = (shape.width, shape.height, shape.channels, shape.byteCount)
        precondition(w > 0 && h > 0 && channels > 0 && (sourceRow + 1) * n <= source.count && (targetRow + 1) * n <= target.count,
                     "transform: rows \(sourceRow) → \(targetRow) of \(shape) do not fit \(source.count) / \(target.count) bytes")
        source.withUnsafeBufferPointer { source in
            target.withUnsafeMutableBufferPointer { target in
                guard let from = source.baseAddress.map({ $0 + sourceRow * n }),
                      let to = target.baseAddress.map({ $0 + targetRow * n }) else { return }
                for y in 0 ..< h {
                    let sourceLine = from + min(max(y - dy, 0), h - 1) * w * channels
                    let targetLine = to + y * w * channels
                    for x in 0 ..< w {
                        let column = min(max((mirrored ? w - 1 - x : x) - dx, 0), w - 1)
                        for c in 0 ..< channels { targetLine[x * channels + c] = sourceLine[column * channels + c] }
                    }
                }
            }
        }
    }
}
