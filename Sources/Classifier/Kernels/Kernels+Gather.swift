/// The byte gather of training and evaluation: shuffled rows of the stored `UInt8` samples
/// become the Float input matrix of a mini-batch.
extension Kernels {
    // MARK: - Input conversion

    /// Gathers the rows `indices` of a byte matrix into a Float matrix: `xᵢⱼ = bytes[indicesᵢ, j] / 255`.
    ///
    /// Shapes: `bytes` is `N × columns`, `x` gets `indices.count × columns`.
    static func gatherScaledBytes(_ bytes: [UInt8], indices: ArraySlice<Int>, columns: Int, into x: inout [Float]) {
        precondition(x.count >= indices.count * columns,
                     "gather: x \(x.count) for \(indices.count)×\(columns)")
        let rowCount = columns == 0 ? 0 : bytes.count / columns
        bytes.withUnsafeBufferPointer { bytes in
            x.withUnsafeMutableBufferPointer { x in
                guard let bytes = bytes.baseAddress, let x = x.baseAddress else { return }
                var target = x
                for index in indices {
                    precondition(index >= 0 && index < rowCount, "gather: row \(index) of \(rowCount)")
                    let source = bytes + index * columns
                    for j in 0 ..< columns { target[j] = Float(source[j]) * (1 / 255) }
                    target += columns
                }
            }
        }
    }
}
