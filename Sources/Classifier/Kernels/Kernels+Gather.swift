/// The byte gather of training, evaluation and prediction: rows of the stored `UInt8` samples
/// become the Float input matrix of a batch, through the one conversion `InputStandardization`.
extension Kernels {
    // MARK: - Input conversion

    /// Gathers the rows `indices` of a byte matrix into a Float matrix, standardised:
    /// `xᵢⱼ = (bytes[indicesᵢ, j] / 255 − meanⱼ) / deviationⱼ` (`InputStandardization`, the one
    /// conversion from stored bytes to network inputs; with mean 0 and deviation 1 it is exactly
    /// `b / 255`, correctly rounded). With `centersEachImage`, each row's own mean value
    /// `b̄ᵢ / 255 = (1/columns) Σⱼ bytes[indicesᵢ, j] / 255` (the byte sum exact, one rounding to
    /// Float) is subtracted too: `xᵢⱼ = (bytes[indicesᵢ, j] / 255 − b̄ᵢ / 255 − meanⱼ) / deviationⱼ`.
    ///
    /// Shapes: `bytes` is `N × columns`, `mean` and `deviation` have `columns` values, `x` gets
    /// `indices.count × columns`.
    static func gatherInputs(_ bytes: [UInt8], indices: ArraySlice<Int>, columns: Int,
                             mean: [Float], deviation: [Float], centersEachImage: Bool = false, into x: inout [Float]) {
        precondition(x.count >= indices.count * columns && mean.count == columns && deviation.count == columns,
                     "gather: x \(x.count) for \(indices.count)×\(columns), mean \(mean.count), deviation \(deviation.count)")
        let rowCount = columns == 0 ? 0 : bytes.count / columns
        bytes.withUnsafeBufferPointer { bytes in
            x.withUnsafeMutableBufferPointer { x in
                mean.withUnsafeBufferPointer { mean in
                    deviation.withUnsafeBufferPointer { deviation in
                        guard let bytes = bytes.baseAddress, let x = x.baseAddress,
                              let mean = mean.baseAddress, let deviation = deviation.baseAddress else { return }
                        var target = x
                        for index in indices {
                            precondition(index >= 0 && index < rowCount, "gather: row \(index) of \(rowCount)")
                            let source = bytes + index * columns
                            if centersEachImage {
                                var total = 0
                                for j in 0 ..< columns { total += Int(source[j]) }
                                let own = Float(Double(total) / (255 * Double(columns)))
                                for j in 0 ..< columns { target[j] = (Float(source[j]) / 255 - own - mean[j]) / deviation[j] }
                            } else {
                                for j in 0 ..< columns { target[j] = (Float(source[j]) / 255 - mean[j]) / deviation[j] }
                            }
                            target += columns
                        }
                    }
                }
            }
        }
    }
}
