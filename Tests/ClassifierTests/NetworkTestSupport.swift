import Foundation
@testable import Classifier
// One set of helpers for every test target: temporaryFolder, isClose, the fuzz corpora.
@_exported import TestSupport

/// Uniform values in `[−scale, scale)` from a seeded generator.
func randomFloats(_ count: Int, scale: Float = 1, seed: UInt64) -> [Float] {
    var generator = SeededGenerator(seed: seed)
    return (0 ..< count).map { _ in (2 * generator.nextUnitFloat() - 1) * scale }
}

/// The Double oracle of the network math, written from the closed forms, independent of the
/// Float kernels: `sˡ = Wˡ aˡ⁻¹ + bˡ`, `aˡ = f(sˡ)`, then cross-entropy `−ln a_y` or quadratic
/// `½‖a − y‖²`, averaged over the batch.
struct ReferenceNetwork {
    struct Layer {
        var weights: [Double]  // outputCount × inputCount, row-major
        var biases: [Double]
        var activation: Activation
    }
    var layers: [Layer]
    var cost: Cost

    init(_ network: Network) {
        layers = network.layers.map {
            Layer(weights: $0.weights.elements.map(Double.init), biases: $0.biases.map(Double.init), activation: $0.activation)
        }
        cost = network.cost
    }

    /// `f(s)` in Double, element-wise, or softmax of the whole row.
    static func activate(_ activation: Activation, _ s: [Double]) -> [Double] {
        switch activation {
        case .sigmoid: return s.map { 1 / (1 + Foundation.exp(-$0)) }
        case .tanh: return s.map { Foundation.tanh($0) }
        case .relu: return s.map { max(0, $0) }
        case .arctan: return s.map { Foundation.atan($0) }
        case .identity: return s
        case .softmax:
            let top = s.max() ?? 0
            let e = s.map { Foundation.exp($0 - top) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }
    }

    /// The output activations `aᴸ` for one input row; `masks[l]`, when given, multiplies the
    /// activations of hidden layer `l` (dropout: `ãˡ = f(sˡ) ⊙ dˡ`).
    func output(_ x: [Double], masks: [[Double]] = []) -> [Double] {
        var a = x
        for (l, layer) in layers.enumerated() {
            let n = layer.biases.count, k = a.count
            var s = layer.biases
            for r in 0 ..< n { for c in 0 ..< k { s[r] += layer.weights[r * k + c] * a[c] } }
            a = Self.activate(layer.activation, s)
            if l < masks.count { a = zip(a, masks[l]).map { $0 * $1 } }
        }
        return a
    }

    /// The batch-mean cost `J`; `masks(i)` gives row `i`'s dropout masks per hidden layer, and
    /// `smoothing` ε makes the targets `yⱼ = (1 − ε)·[j = label] + ε/K` (`J = −Σⱼ yⱼ ln aⱼ` or `½ Σⱼ (aⱼ − yⱼ)²`).
    func loss(inputs: Matrix, labels: [Int], smoothing ε: Double = 0, masks: (Int) -> [[Double]] = { _ in [] }) -> Double {
        var total = 0.0
        for i in 0 ..< inputs.rows {
            let a = output((0 ..< inputs.columns).map { Double(inputs[i, $0]) }, masks: masks(i))
            let y = a.indices.map { j in (j == labels[i] ? 1 - ε : 0) + ε / Double(a.count) }
            switch cost {
            case .crossEntropy: for (aj, yj) in zip(a, y) { total -= yj * Foundation.log(aj) }
            case .quadratic: for (aj, yj) in zip(a, y) { total += 0.5 * (aj - yj) * (aj - yj) }
            }
        }
        return total / Double(inputs.rows)
    }
}

/// Re-runs this test bundle as user `nobody` (`setpriv`), with only the test `name`, and returns
/// its exit status and combined output. For promises root cannot test (root ignores permissions,
/// and CI runs as root). If some folder above the bundle is closed to others, the bundle is
/// copied to a temporary folder first.
func runAsNobody(testNamed name: String, environment: [String: String]) throws -> (status: Int32, output: String) {
    var bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var copy: URL?
    defer { if let copy { try? FileManager.default.removeItem(at: copy) } }
    var ancestor = bundle.deletingLastPathComponent()
    while ancestor.path != "/" {
        let mode = (try FileManager.default.attributesOfItem(atPath: ancestor.path)[.posixPermissions] as? Int) ?? 0
        if mode & 0o001 == 0 {
            let folder = try temporaryFolder("classify-bundle")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
            try FileManager.default.copyItem(at: bundle, to: folder.appendingPathComponent(bundle.lastPathComponent))
            (copy, bundle) = (folder, folder.appendingPathComponent(bundle.lastPathComponent))
            break
        }
        ancestor = ancestor.deletingLastPathComponent()
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
    process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", bundle.path,
                         "--testing-library", "swift-testing", "--filter", name]
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.currentDirectoryURL = URL(fileURLWithPath: "/")
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
