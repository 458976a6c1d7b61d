import Foundation
import Testing
@testable import Classifier

/// OpenBLAS when this machine has it. In CI (`CI=true`) `.ci/run` installs `libopenblas0`, and a
/// missing OpenBLAS fails `openBLASLoadsInCI` instead of quietly testing one engine.
let loadedOpenBLAS: MatrixEngine? = try? MatrixEngine.openBLAS()

/// Every engine this machine can run: both built-in kernels, and OpenBLAS when it loads.
let engines: [MatrixEngine] = [.builtin, .portable] + (loadedOpenBLAS.map { [$0] } ?? [])

extension MatrixEngine: CustomTestStringConvertible {
    public var testDescription: String { name }
}

@Suite struct MatrixEngineTests {
    /// The oracle: `C = α·op(A)·op(B) + β·C` by the triple loop, in Double.
    static func naiveProduct(_ a: Matrix, _ transposeA: Bool, _ b: Matrix, _ transposeB: Bool,
                             alpha: Float, beta: Float, c: Matrix) -> Matrix {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let n = transposeB ? b.rows : b.columns
        var result = c
        for i in 0 ..< m {
            for j in 0 ..< n {
                var sum = 0.0
                for p in 0 ..< k {
                    let x = transposeA ? a[p, i] : a[i, p]
                    let y = transposeB ? b[j, p] : b[p, j]
                    sum += Double(x) * Double(y)
                }
                result[i, j] = Float(Double(alpha) * sum + Double(beta) * Double(c[i, j]))
            }
        }
        return result
    }

    struct Shape: Sendable, CustomTestStringConvertible {
        var m: Int, k: Int, n: Int
        var testDescription: String { "(\(m)×\(k))·(\(k)×\(n))" }
    }

    /// Odd shapes around the built-in kernel's blocks: tiles of 6×16 (AVX2) and 4×8 (portable),
    /// depth slices of 256, row blocks of 96; one-row products take the matrix–vector path.
    static let shapes: [Shape] = [
        .init(m: 1, k: 1, n: 1), .init(m: 1, k: 9, n: 1), .init(m: 1, k: 5, n: 11), .init(m: 11, k: 5, n: 1),
        .init(m: 7, k: 13, n: 5), .init(m: 9, k: 17, n: 15), .init(m: 33, k: 65, n: 31), .init(m: 3, k: 0, n: 4),
        .init(m: 1, k: 300, n: 37), .init(m: 13, k: 257, n: 17), .init(m: 101, k: 40, n: 33), .init(m: 64, k: 784, n: 128),
    ]

    static let transposes = [(false, false), (true, false), (false, true), (true, true)]

    static func operands(_ shape: Shape, _ ta: Bool, _ tb: Bool) -> (Matrix, Matrix) {
        let (m, k, n) = (shape.m, shape.k, shape.n)
        let a = ta ? Matrix(rows: k, columns: m, elements: randomFloats(k * m, seed: 1))
                   : Matrix(rows: m, columns: k, elements: randomFloats(m * k, seed: 1))
        let b = tb ? Matrix(rows: n, columns: k, elements: randomFloats(n * k, seed: 2))
                   : Matrix(rows: k, columns: n, elements: randomFloats(k * n, seed: 2))
        return (a, b)
    }

    @Test("sgemm matches the naive triple loop on every engine, all transposes, 1 and 2 threads",
          arguments: engines, shapes)
    func sgemmMatchesNaive(engine: MatrixEngine, shape: Shape) {
        for (ta, tb) in Self.transposes {
            let (a, b) = Self.operands(shape, ta, tb)
            for (alpha, beta) in [(Float(1), Float(0)), (0.5, 2), (-0.25, 1)] {
                let c0 = Matrix(rows: shape.m, columns: shape.n, elements: randomFloats(shape.m * shape.n, seed: 3))
                let expected = Self.naiveProduct(a, ta, b, tb, alpha: alpha, beta: beta, c: c0)
                let tolerance = Float(shape.k) * 2e-7 + 1e-6
                for threads in [1, 2] {
                    var c = c0
                    engine.multiply(a, transposed: ta, b, transposed: tb, alpha: alpha, beta: beta, into: &c, threads: threads)
                    let worst = zip(c.elements, expected.elements).map { abs($0 - $1) }.max() ?? 0
                    #expect(worst <= tolerance, "\(shape.testDescription) op \(ta) \(tb) α \(alpha) β \(beta) \(threads) threads: off by \(worst)")
                }
            }
        }
    }

    @Test("β = 0 overwrites C without reading it (NaN in C does not leak)", arguments: engines)
    func betaZeroIgnoresC(engine: MatrixEngine) {
        let (a, b) = Self.operands(Shape(m: 7, k: 9, n: 19), false, false)
        var c = Matrix(rows: 7, columns: 19, repeating: .nan)
        engine.multiply(a, b, into: &c)
        #expect(c.elements.allSatisfy { $0.isFinite })
    }

    @Test("the built-in kernels give the same bits at 1 and 2 threads, and one row equals that row of a batch",
          arguments: [MatrixEngine.builtin, .portable])
    func builtinIsSplitInvariant(engine: MatrixEngine) {
        let shape = Shape(m: 64, k: 784, n: 128)
        let (a, b) = Self.operands(shape, false, true)   // the forward pass: X · Wᵀ
        var one = Matrix(rows: 64, columns: 128), two = one
        engine.multiply(a, transposed: false, b, transposed: true, into: &one, threads: 1)
        engine.multiply(a, transposed: false, b, transposed: true, into: &two, threads: 2)
        #expect(one == two)
        for row in [0, 5, 63] {
            let x = Matrix(rows: 1, columns: 784, elements: Array(a.elements[row * 784 ..< (row + 1) * 784]))
            var y = Matrix(rows: 1, columns: 128)
            engine.multiply(x, transposed: false, b, transposed: true, into: &y)
            #expect(y.elements == Array(one.elements[row * 128 ..< (row + 1) * 128]), "row \(row)")
        }
    }

    @Test("OpenBLAS loads (required where CI=true, so that its engine is really tested)")
    func openBLASLoadsInCI() throws {
        guard ProcessInfo.processInfo.environment["CI"] == "true" else { return }
        let engine = try MatrixEngine.openBLAS()
        #expect(engine.kind == .openBLAS || engine.kind == .accelerate)
        #expect(engine.name.hasPrefix("OpenBLAS") || engine.name == "Accelerate")
    }

    @Test("CLASSIFY_BLAS names: builtin, portable, openblas; anything else is a clear error")
    func namedEngines() throws {
        #expect(try MatrixEngine.named("builtin") == .builtin)
        #expect(try MatrixEngine.named("portable") == .portable)
        #expect(try MatrixEngine.named(nil, fallback: .portable) == .portable)
        if let loadedOpenBLAS { #expect(try MatrixEngine.named("openblas") == loadedOpenBLAS) }
        #expect(throws: ClassifierError.self) { try MatrixEngine.named("cuda") }
    }
}
