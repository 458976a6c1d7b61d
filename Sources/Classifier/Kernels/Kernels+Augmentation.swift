import Platform

/// The byte kernel of augmentation (`Augmentation`): one image row of a byte matrix, shifted
/// and possibly mirrored, into a row of another. Pointers never leave their closures.
extension Kernels {
    /// `target[y, x, c] = source[clamp(z(y − dy, h)), clamp(z(m(x) − dx, w)), c]` with `m(x) = w − 1 − x`
    /// when `mirrored` (else `x`), `z(v, n) = round(c + (v − c) / zoom)` about the centre `c = (n − 1) / 2`
    /// (the identity for `zoom == 1`) and `clamp` to the image: the (mirrored) image shifted by
    /// `(dx, dy)` and zoomed, nearest pixel, the edge pixel repeated where the border is uncovered.
    ///
    /// Shapes: row `sourceRow` of `source` and row `targetRow` of `target`, each `shape.byteCount` bytes.
    ///
    /// With an angle `φ ≠ 0` (radians) the map is no longer separable: for the offset
    /// `p = (m(x) − dx − cₓ, y − dy − c_y)` from the centre, the source pixel is the nearest to
    /// `c + R(−φ) · p / zoom`, `R(−φ) = [[cos φ, sin φ], [−sin φ, cos φ]]`: the image turned by `φ`
    /// (clockwise on screen for `φ > 0`, y pointing down) about its centre. `φ = 0` is the
    /// separable map above, to the pixel.
    static func transform(_ source: [UInt8], row sourceRow: Int, shape: ImageShape, dx: Int, dy: Int, zoom: Float = 1,
                          angle: Float = 0, mirrored: Bool, into target: inout [UInt8], row targetRow: Int) {
        let (w, h, channels, n) = (shape.width, shape.height, shape.channels, shape.byteCount)
        precondition(w > 0 && h > 0 && channels > 0 && (sourceRow + 1) * n <= source.count && (targetRow + 1) * n <= target.count,
                     "transform: rows \(sourceRow) → \(targetRow) of \(shape) do not fit \(source.count) / \(target.count) bytes")
        if angle != 0 {
            rotate(source, row: sourceRow, shape: shape, dx: dx, dy: dy, zoom: zoom, angle: angle, mirrored: mirrored,
                   into: &target, row: targetRow)
            return
        }
        source.withUnsafeBufferPointer { source in
            target.withUnsafeMutableBufferPointer { target in
                guard let from = source.baseAddress.map({ $0 + sourceRow * n }),
                      let to = target.baseAddress.map({ $0 + targetRow * n }) else { return }
                let (cx, cy, inverse) = (Float(w - 1) / 2, Float(h - 1) / 2, 1 / zoom)
                @inline(__always) func zoomed(_ v: Int, _ centre: Float) -> Int {
                    zoom == 1 ? v : Int((centre + (Float(v) - centre) * inverse).rounded())
                }
                if zoom == 1 && !mirrored {
                    // A plain shift: each line is one contiguous copy, the uncovered edge repeats its
                    // edge pixel. Target columns lo ..< hi read source columns lo − dx ..< hi − dx.
                    let lo = min(max(dx, 0), w), hi = max(min(w + dx, w), lo)
                    for y in 0 ..< h {
                        let sourceLine = from + min(max(y - dy, 0), h - 1) * w * channels
                        let targetLine = to + y * w * channels
                        if hi > lo { (targetLine + lo * channels).update(from: sourceLine + (lo - dx) * channels, count: (hi - lo) * channels) }
                        for x in 0 ..< lo { (targetLine + x * channels).update(from: sourceLine, count: channels) }
                        for x in hi ..< w { (targetLine + x * channels).update(from: sourceLine + (w - 1) * channels, count: channels) }
                    }
                    return
                }
                // The source offset of every target column, computed once per image.
                withUnsafeTemporaryAllocation(of: Int.self, capacity: w) { offsets in
                    for x in 0 ..< w { offsets[x] = min(max(zoomed((mirrored ? w - 1 - x : x) - dx, cx), 0), w - 1) * channels }
                    for y in 0 ..< h {
                        let sourceLine = from + min(max(zoomed(y - dy, cy), 0), h - 1) * w * channels
                        let targetLine = to + y * w * channels
                        if channels == 1 {
                            for x in 0 ..< w { targetLine[x] = sourceLine[offsets[x]] }
                        } else if channels == 3 {
                            for x in 0 ..< w {
                                let (t, o) = (targetLine + 3 * x, sourceLine + offsets[x])
                                (t[0], t[1], t[2]) = (o[0], o[1], o[2])
                            }
                        } else {
                            for x in 0 ..< w {
                                for c in 0 ..< channels { targetLine[x * channels + c] = sourceLine[offsets[x] + c] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The rotated case of `transform`: one inverse map per target pixel, nearest source pixel, the
    /// coordinates clamped to the image (the edge pixel repeated).
    private static func rotate(_ source: [UInt8], row sourceRow: Int, shape: ImageShape, dx: Int, dy: Int, zoom: Float,
                               angle: Float, mirrored: Bool, into target: inout [UInt8], row targetRow: Int) {
        let (w, h, channels, n) = (shape.width, shape.height, shape.channels, shape.byteCount)
        let (cx, cy) = (Float(w - 1) / 2, Float(h - 1) / 2)
        let (cosine, sine) = (cos(angle) / zoom, sin(angle) / zoom)
        source.withUnsafeBufferPointer { source in
            target.withUnsafeMutableBufferPointer { target in
                guard let from = source.baseAddress.map({ $0 + sourceRow * n }),
                      let to = target.baseAddress.map({ $0 + targetRow * n }) else { return }
                for y in 0 ..< h {
                    let py = Float(y - dy) - cy
                    for x in 0 ..< w {
                        let px = Float((mirrored ? w - 1 - x : x) - dx) - cx
                        let sx = min(max(Int((cx + cosine * px + sine * py).rounded()), 0), w - 1)
                        let sy = min(max(Int((cy - sine * px + cosine * py).rounded()), 0), h - 1)
                        let (t, o) = (to + (y * w + x) * channels, from + (sy * w + sx) * channels)
                        for c in 0 ..< channels { t[c] = o[c] }
                    }
                }
            }
        }
    }

    /// `target[i] = clamp(round(gain · target[i] + offset), 0, 255)` for the `byteCount` bytes of
    /// row `row`, through a 256-entry table computed once per call.
    static func adjustBrightness(_ target: inout [UInt8], row: Int, byteCount n: Int, gain: Float, offset: Float) {
        precondition((row + 1) * n <= target.count, "adjustBrightness: row \(row) of \(n) bytes does not fit \(target.count)")
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { table in
            for v in 0 ..< 256 { table[v] = UInt8(min(max((gain * Float(v) + offset).rounded(), 0), 255)) }
            target.withUnsafeMutableBufferPointer { target in
                guard let base = target.baseAddress.map({ $0 + row * n }) else { return }
                for i in 0 ..< n { base[i] = table[Int(base[i])] }
            }
        }
    }
}
