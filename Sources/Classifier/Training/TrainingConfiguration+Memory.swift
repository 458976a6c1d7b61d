/// What a training run will hold in memory, estimated from its shapes before anything is loaded,
/// so that settings that cannot fit (`--size 3000x3000`, `--hidden 65536,65536`) are refused with
/// numbers instead of swapping the machine to a halt.
///
/// For `N` examples of `D` inputs, layer sizes `n₀ = D, n₁, …, n_L` and batch size `m`:
/// - data: `2·N·D` bytes (the `UInt8` sample matrix and its train/validation split);
/// - network: `P = Σₗ (nₗ₋₁·nₗ + nₗ)` parameters, held `k` times as `Float` (weights, best
///   weights, gradients, plus one buffer for momentum or two for Adam: `k = 3, 4, 5`), plus one
///   encoded copy when the model file is written: `(k + 1)·4·P` bytes; an ensemble of `E`
///   networks keeps each finished network's best weights and builds, then encodes, one network of
///   `E·P` parameters: `(k + 1 + 3·(E − 1))·4·P` bytes;
/// - batch work: `m·Σₗ nₗ` activations, weighted sums and deltas, and with dropout the masks:
///   `3·4·m·Σₗ nₗ` bytes (`4·4·m·Σₗ nₗ` with dropout).
public struct MemoryEstimate: Sendable, Equatable {
    /// Bytes of the sample matrix and its split.
    public var data: Int
    /// Bytes of the parameters and their optimizer and gradient copies.
    public var network: Int
    /// Bytes of one mini-batch's forward and backward buffers.
    public var batch: Int
    /// The sum.
    public var total: Int { data + network + batch }  // each is capped at Int.max / 4
}

extension TrainingConfiguration {
    /// The estimate for `examples` images of `inputs` inputs each and `classes` classes.
    public func memoryEstimate(examples: Int, inputs: Int, classes: Int) -> MemoryEstimate {
        let sizes = [inputs] + hiddenLayers + [classes]
        var parameters = 0.0
        for l in 1..<sizes.count { parameters += Double(sizes[l - 1]) * Double(sizes[l]) + Double(sizes[l]) }
        let copies: Double = switch optimizer { case .sgd: 3; case .momentum: 4; case .adam: 5 }
        let held = copies + 1 + 3 * Double(ensemble - 1)
        let neurons = Double(sizes.reduce(0, +))
        func bytes(_ value: Double) -> Int { value >= Double(Int.max / 4) ? Int.max / 4 : Int(value) }
        return MemoryEstimate(data: bytes(2 * Double(examples) * Double(inputs)),
                              network: bytes(held * 4 * parameters),
                              batch: bytes((dropout > 0 ? 4 : 3) * 4 * Double(batchSize) * neurons))
    }

    /// Refuses a run whose estimate exceeds three quarters of `physicalMemory` (the rest is left to
    /// the system and other programs).
    /// - Throws: `ClassifierError.invalidConfiguration` with the estimate and the machine's memory.
    public func checkMemory(examples: Int, inputs: Int, classes: Int, physicalMemory: UInt64) throws(ClassifierError) {
        let estimate = memoryEstimate(examples: examples, inputs: inputs, classes: classes)
        let budget = Double(physicalMemory) * 0.75
        guard Double(estimate.total) > budget else { return }
        func gib(_ bytes: Int) -> String { String(cFormat: "%.1f GiB", Double(bytes) / Double(1 << 30)) }
        throw .invalidConfiguration(setting: .memory, reason: "training would need about \(gib(estimate.total)) of memory"
            + " (\(gib(estimate.data)) for \(examples) images of \(inputs) inputs, \(gib(estimate.network)) for the network"
            + " and its optimizer) but this machine has \(gib(Int(clamping: physicalMemory))); please choose a smaller"
            + " --size or --hidden\(ensemble > 1 ? " or --ensemble" : "")")
    }
}
