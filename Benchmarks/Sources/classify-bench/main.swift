// classify-bench: the Swift side of the benchmark (Benchmarks/run.py drives it).
//
// Each subcommand prints one JSON line on stdout, the median over --repeats runs:
//   train  — samples/s of the real `Trainer` (plain SGD, no validation, no L2) on synthetic
//            bytes, the same recipe as Benchmarks/reference/_common.py: x uniform in [0, 1),
//            labels = argmax of a random linear teacher. Only `Trainer.train` is timed.
//   sgemm  — GFLOP/s of one big square `C = A·B` through `MatrixEngine.multiply` (the roofline).
// Both take --engine builtin|openblas (default: CLASSIFY_BLAS, else OpenBLAS when installed).
//   load   — images/s of `ImageFolder.loadSamples` (decode + preprocess), folder scan excluded.
// No timing lives in `swift test`; this executable is only built for the benchmark.
import Classifier
import Foundation
import Imaging

/// Command-line options as `--name value` pairs, positional words kept in order.
struct Options {
    var named: [String: String] = [:]
    var positional: [String] = []

    init(_ arguments: ArraySlice<String>) {
        var i = arguments.startIndex
        while i < arguments.endIndex {
            let word = arguments[i]
            if word.hasPrefix("--"), i + 1 < arguments.endIndex {
                named[String(word.dropFirst(2))] = arguments[i + 1]
                i += 2
            } else {
                positional.append(word)
                i += 1
            }
        }
    }

    func int(_ name: String, _ fallback: Int) -> Int { named[name].flatMap(Int.init) ?? fallback }
    func string(_ name: String, _ fallback: String) -> String { named[name] ?? fallback }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("classify-bench: \(message)\n".utf8))
    exit(64)
}

/// Seconds taken by `body`, monotonic clock.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let (s, atto) = (clock.now - start).components
    return Double(s) + Double(atto) * 1e-18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}

/// Prints `fields` as one JSON object line (keys sorted).
func report(_ fields: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else {
        fail("could not encode the report")
    }
    print(String(decoding: data, as: UTF8.self))
}

/// Synthetic dataset: `count × inputs` bytes uniform in 0…255 (x = byte/255), labels the argmax of
/// a fixed random linear teacher applied to `x − 0.5` (so the loss really falls).
func syntheticDataset(count: Int, inputs: Int, classes: Int, seed: UInt64) -> Dataset {
    var generator = SeededGenerator(seed: seed)
    var bytes = [UInt8](repeating: 0, count: count * inputs)
    for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: generator.next() >> 56) }
    var teacher = [Float](repeating: 0, count: inputs * classes)
    for i in teacher.indices { teacher[i] = Float.random(in: -1 ... 1, using: &generator) }
    var labels = [Int](repeating: 0, count: count)
    var scores = [Float](repeating: 0, count: classes)
    for row in 0 ..< count {
        for c in 0 ..< classes { scores[c] = 0 }
        for j in 0 ..< inputs {
            let x = Float(bytes[row * inputs + j]) / 255 - 0.5
            for c in 0 ..< classes { scores[c] += x * teacher[j * classes + c] }
        }
        labels[row] = scores.indices.max { scores[$0] < scores[$1] } ?? 0
    }
    return Dataset(inputs: bytes, labels: labels, inputCount: inputs, classCount: classes)
}

func train(_ o: Options) throws {
    let sizes = o.string("sizes", "784,128,10").split(separator: ",").compactMap { Int($0) }
    guard sizes.count >= 2, sizes.allSatisfy({ $0 > 0 }) else { fail("--sizes wants positive widths, e.g. 784,128,10") }
    guard let activation = Activation(rawValue: o.string("activation", "relu")) else { fail("unknown --activation") }
    let examples = o.int("examples", 60_000), epochs = o.int("epochs", 1), repeats = o.int("repeats", 3)
    let threads = o.int("threads", 2)
    let engine = try MatrixEngine.named(o.named["engine"] ?? ProcessInfo.processInfo.environment["CLASSIFY_BLAS"])
    let dataset = syntheticDataset(count: examples, inputs: sizes[0], classes: sizes.last!, seed: 0)
    var configuration = TrainingConfiguration()
    configuration.hiddenLayers = Array(sizes.dropFirst().dropLast())
    configuration.activation = activation
    configuration.cost = .crossEntropy
    configuration.optimizer = .sgd
    configuration.learningRate = Float(o.string("learning-rate", "0.1")) ?? 0.1
    configuration.batchSize = o.int("batch-size", 64)
    configuration.maxEpochs = epochs
    configuration.l2 = 0
    configuration.validationFraction = 0
    configuration.engine = engine
    configuration.threads = threads
    var times: [Double] = []
    var loss = 0.0
    for r in 0 ..< repeats {
        configuration.seed = UInt64(r + 1)
        let trainer = Trainer(configuration: configuration)
        var result: TrainingResult?
        times.append(try seconds { result = try trainer.train(dataset) })
        loss = result?.history.last?.trainingLoss ?? .nan
    }
    let t = median(times)
    report(["reference": "classify", "sizes": sizes, "activation": activation.rawValue, "examples": examples,
            "epochs": epochs, "batch_size": configuration.batchSize, "threads": threads,
            "engine": engine.name,
            "repeats": repeats, "seconds": t, "samples_per_second": Double(examples * epochs) / t,
            "last_epoch_loss": loss])
}

func sgemm(_ o: Options) throws {
    let n = o.int("size", 2048), repeats = o.int("repeats", 5), threads = o.int("threads", 2)
    let engine = try MatrixEngine.named(o.named["engine"] ?? ProcessInfo.processInfo.environment["CLASSIFY_BLAS"])
    var generator = SeededGenerator(seed: 1)
    let a = Matrix(rows: n, columns: n, elements: (0 ..< n * n).map { _ in Float.random(in: -1 ... 1, using: &generator) })
    let b = Matrix(rows: n, columns: n, elements: (0 ..< n * n).map { _ in Float.random(in: -1 ... 1, using: &generator) })
    var c = Matrix(rows: n, columns: n)
    engine.multiply(a, b, into: &c, threads: threads)  // warm-up: thread pool, page faults
    let times = (0 ..< repeats).map { _ in seconds { engine.multiply(a, b, into: &c, threads: threads) } }
    let t = median(times)
    report(["reference": "sgemm", "size": n, "threads": threads, "engine": engine.name, "repeats": repeats,
            "seconds": t, "gflops": 2 * Double(n) * Double(n) * Double(n) / t / 1e9])
}

func load(_ o: Options) throws {
    guard let path = o.positional.first else { fail("load wants a folder: classify-bench load DIR [--size 32x32] [--color rgb]") }
    let size = o.string("size", "28x28").split(separator: "x").compactMap { Int($0) }
    guard size.count == 2, size.allSatisfy({ $0 > 0 }) else { fail("--size wants WxH, e.g. 32x32") }
    guard let color = ColorMode(rawValue: o.string("color", "gray")) else { fail("--color wants gray or rgb") }
    let threads = o.int("threads", 2), repeats = o.int("repeats", 3)
    let folder = try ImageFolder(scanning: URL(fileURLWithPath: path))
    let format = InputFormat(width: size[0], height: size[1], color: color)
    var samples: ImageFolder.Decoded?
    let times = (0 ..< repeats).map { _ in seconds { samples = folder.loadSamples(format: format, threads: threads) } }
    let count = samples?.count ?? 0
    let checksum = samples?.inputs.reduce(0) { $0 &+ Int($1) } ?? 0
    let t = median(times)
    report(["reference": "classify_load", "dir": path, "images": count, "size": "\(size[0])x\(size[1])",
            "color": color.rawValue, "threads": threads, "repeats": repeats, "seconds": t,
            "images_per_second": Double(count) / t, "checksum": checksum])
}

let arguments = CommandLine.arguments
let options = Options(arguments.dropFirst(2))
do {
    switch arguments.count > 1 ? arguments[1] : "" {
    case "train": try train(options)
    case "sgemm": try sgemm(options)
    case "load": try load(options)
    default: fail("usage: classify-bench train|sgemm|load [options] (see Benchmarks/README.md)")
    }
} catch {
    fail("\(error)")
}
