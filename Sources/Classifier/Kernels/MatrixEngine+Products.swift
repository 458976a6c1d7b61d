#if canImport(Accelerate)
import Accelerate
#endif
import CGEMM
import Parallel

/// The matrix products and the BLAS boundary: the only Swift file that calls `CGEMM` or
/// `cblas_sgemm`. Shapes are checked with a `precondition` naming them (a mismatch is a
/// programmer error), then the work happens inside `withUnsafe…` closures; no pointer escapes.
/// Buffers may be longer than the shapes say (a workspace sized for a full mini-batch also
/// serves the last, partial one): only the leading elements are read or written.
extension MatrixEngine {
    /// `C = α·op(A)·op(B) + β·C` on matrices, where `op(X)` is `X` or `Xᵀ`, on up to `threads` threads.
    ///
    /// Shapes: `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n` (checked).
    public func multiply(_ a: Matrix, transposed transposeA: Bool = false,
                         _ b: Matrix, transposed transposeB: Bool = false,
                         alpha: Float = 1, beta: Float = 0, into c: inout Matrix, threads: Int = 1) {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (kb, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        precondition(k == kb && c.rows == m && c.columns == n,
                     "op(A) \(m)×\(k) · op(B) \(kb)×\(n) cannot go into C \(c.rows)×\(c.columns)")
        sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
              alpha: alpha, a: a.elements, b: b.elements, beta: beta, c: &c.elements, threads: threads)
    }

    /// The fewest multiply-adds (`m·n·k`) for which the built-in kernel splits `C` across threads:
    /// below it, waking a second worker costs more than it saves.
    static let minimumParallelWork = 1 << 20

    /// `C = α·op(A)·op(B) + β·C` on row-major buffers, BLAS's `sgemm` (`β = 0` never reads `C`).
    ///
    /// Shapes: `op(A)` is `m × k` (`A` stored `m × k`, or `k × m` when transposed), `op(B)` is
    /// `k × n` (`B` stored `k × n`, or `n × k`), `C` is `m × n`; leading dimensions are the
    /// stored column counts.
    func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
               alpha: Float, a: [Float], b: [Float], beta: Float, c: inout [Float], threads: Int = 1) {
        precondition(m >= 0 && n >= 0 && k >= 0, "negative sgemm shape m \(m) n \(n) k \(k)")
        precondition(a.count >= m * k && b.count >= k * n && c.count >= m * n,
                     "sgemm buffers A \(a.count), B \(b.count), C \(c.count) too small for (\(m)×\(k))·(\(k)×\(n))")
        guard m > 0, n > 0 else { return }
        let (lda, ldb) = (transposeA ? m : k, transposeB ? k : n)
        let (ta, tb) = (Int32(transposeA ? 1 : 0), Int32(transposeB ? 1 : 0))
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
                    switch kind {
                    case .openBLAS:
                        cgemm_openblas_sgemm(Int32(max(1, threads)), ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, n)
                    case .accelerate:
                        #if canImport(Accelerate)
                        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                                    transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k),
                                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(n))
                        #endif
                    case .builtin:
                        builtinProduct(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, threads: threads)
                    }
                }
            }
        }
    }

    /// The built-in kernel on up to `threads` threads: `C` is cut into slices of whole columns
    /// (or rows, when it is taller than wide), one per thread, each a product of its own. Every
    /// element is computed the same way in any slice (see `cgemm.h`), so the result does not
    /// depend on `threads`.
    private func builtinProduct(_ ta: Int32, _ tb: Int32, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                                _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                                _ beta: Float, _ c: UnsafeMutablePointer<Float>, threads: Int) {
        let kernel = cgemm_kernel(rawValue: self.kernel)
        let workers = m * n * k < Self.minimumParallelWork ? 1 : max(1, threads)
        guard workers > 1, m > 1 else {
            cgemm_sgemm(kernel, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, n)
            return
        }
        let byColumns = n >= m
        let length = byColumns ? n : m, unit = byColumns ? 16 : 6  // the AVX2 tile's width and height
        let step = ((length + workers - 1) / workers + unit - 1) / unit * unit
        let slices = (length + step - 1) / step
        Parallel.forEach(slices, threads: workers) { s in
            let start = s * step, count = min(step, length - start)
            if byColumns {  // columns start…: B's columns (rows of a transposed B) and C's
                cgemm_sgemm(kernel, ta, tb, m, count, k, alpha, a, lda, tb == 1 ? b + start * ldb : b + start, ldb,
                            beta, c + start, n)
            } else {        // rows start…: A's rows (columns of a transposed A) and C's
                cgemm_sgemm(kernel, ta, tb, count, n, k, alpha, ta == 1 ? a + start : a + start * lda, lda, b, ldb,
                            beta, c + start * n, n)
            }
        }
    }
}
