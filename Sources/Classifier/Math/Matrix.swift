/// A dense row-major matrix of `Float`.
///
/// Shapes: element `(i, j)` sits at `elements[i × columns + j]`. A mini-batch of `m` examples
/// with `n` values each is an `m × n` matrix: one row per example.
public struct Matrix: Sendable, Equatable {
    /// Number of rows `m`; fixed at creation, like `columns`, so that `elements.count == rows × columns` holds.
    public let rows: Int
    /// Number of columns `n`.
    public let columns: Int
    /// The `rows × columns` values, row-major. Other modules change them through the subscript,
    /// which keeps the shape; the kernels of this module write them in place.
    public internal(set) var elements: [Float]

    /// Creates a `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "negative shape \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.elements = [Float](repeating: value, count: rows * columns)
    }

    /// Creates a `rows × columns` matrix from row-major elements.
    public init(rows: Int, columns: Int, elements: [Float]) {
        precondition(elements.count == rows * columns,
                     "elements.count \(elements.count) != \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// Element `(row, column)`.
    public subscript(row: Int, column: Int) -> Float {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }
}
