#if canImport(Accelerate)
import Accelerate
#endif
import CGEMM

/// What computes the matrix products `C = α·op(A)·op(B) + β·C` of training and prediction.
///
/// Chosen once (by the command line, from `CLASSIFY_BLAS` or what is installed) and passed down
/// as a value: through `TrainingConfiguration.engine` to the trainer's workspace, or as an
/// argument of `Network.forward`. Nothing is loaded until `openBLAS()` or `preferred()` is called,
/// so a prediction on the built-in kernel never starts a BLAS thread pool.
///
/// Results depend on the engine: the same seed and the same engine (and, for OpenBLAS, thread
/// count) give bit-identical models; the built-in kernel gives the same bits at every thread
/// count (each element of `C` is computed the same way whichever thread owns it).
public struct MatrixEngine: Sendable, Hashable, CustomStringConvertible {
    /// The kinds of engine.
    public enum Kind: String, Sendable, CaseIterable {
        /// The package's own C kernel (`CGEMM`): AVX2+FMA when the CPU has it, else portable.
        case builtin
        /// OpenBLAS, loaded with `dlopen` (Debian: `libopenblas0`).
        case openBLAS = "openblas"
        /// Apple's Accelerate (macOS).
        case accelerate
    }

    /// Which engine this is.
    public let kind: Kind
    /// For `.builtin`: the C kernel it runs (`CGEMM_PORTABLE` or `CGEMM_AVX2_FMA`).
    let kernel: UInt32
    /// What `--version` and `train` print: "OpenBLAS 0.3.21", "built-in AVX2+FMA kernel".
    public let name: String

    public var description: String { name }

    /// The built-in kernel best suited to this CPU (AVX2+FMA, or the portable one).
    public static let builtin: MatrixEngine = {
        let kernel = cgemm_best_kernel()
        return MatrixEngine(kind: .builtin, kernel: kernel.rawValue,
                            name: kernel == CGEMM_AVX2_FMA ? "built-in AVX2+FMA kernel" : "built-in portable kernel")
    }()

    /// The built-in portable kernel even where AVX2 is available (tests run both built-in kernels).
    public static let portable = MatrixEngine(kind: .builtin, kernel: CGEMM_PORTABLE.rawValue, name: "built-in portable kernel")

    /// OpenBLAS (Accelerate on macOS), loaded on first use.
    /// - Throws: `.matrixEngineUnavailable` when no OpenBLAS library can be loaded.
    public static func openBLAS() throws(ClassifierError) -> MatrixEngine {
        #if canImport(Accelerate)
        return MatrixEngine(kind: .accelerate, kernel: 0, name: "Accelerate")
        #else
        guard cgemm_openblas_load() == 1 else {
            throw .matrixEngineUnavailable(
                name: "openblas", reason: "no OpenBLAS library could be loaded (libopenblas.so.0); "
                    + "please install it (Debian/Ubuntu: sudo apt-get install libopenblas0) or use CLASSIFY_BLAS=builtin")
        }
        // "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64" → "OpenBLAS 0.3.21 (Zen
        // kernels)": the kernel set is the CPU's, or the one OPENBLAS_CORETYPE forces.
        let words = String(cString: cgemm_openblas_config()).split(separator: " ").map(String.init)
        var name = words.count >= 2 && words[0] == "OpenBLAS" ? "OpenBLAS \(words[1])" : "OpenBLAS"
        if let limit = words.firstIndex(where: { $0.hasPrefix("MAX_THREADS") }), limit > 2 {
            name += " (\(words[limit - 1]) kernels)"
        }
        return MatrixEngine(kind: .openBLAS, kernel: 0, name: name)
        #endif
    }

    /// OpenBLAS (or Accelerate) when it can be loaded, else the built-in kernel: the fastest
    /// engine for training on this machine.
    public static func preferred() -> MatrixEngine {
        (try? openBLAS()) ?? builtin
    }

    /// The engine a `CLASSIFY_BLAS` value asks for: `builtin`, `portable` (the built-in portable
    /// kernel), `openblas`; `nil` or empty means `preferred()`, or `fallback` when given (e.g.
    /// `.builtin` for a one-image prediction, which needs no BLAS thread pool).
    /// - Throws: `.matrixEngineUnavailable` for an unknown name, or `openblas` when it cannot be loaded.
    public static func named(_ value: String?, fallback: MatrixEngine? = nil) throws(ClassifierError) -> MatrixEngine {
        switch value?.lowercased() {
        case nil, "": return fallback ?? preferred()
        case "builtin", "built-in": return builtin
        case "portable": return portable
        case "openblas", "accelerate", "blas": return try openBLAS()
        case let other?:
            throw .matrixEngineUnavailable(name: other, reason: "unknown engine; please use builtin or openblas")
        }
    }
}
