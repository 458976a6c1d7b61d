import Platform

extension Trainer {
    /// Temperature scaling (Guo et al., *On Calibration of Modern Neural Networks*, ICML 2017):
    /// the `T > 0` that minimises the validation images' mean negative log-likelihood plus a
    /// standard normal prior on `log T` (the MAP estimate):
    /// ```
    /// NLL(T) = −(1/N) Σᵢ log softmax(zᵢ / T)[yᵢ],   minimise NLL(T) + (log T)² / (2N)
    /// ```
    /// over the network's logits `zᵢ` (fixed weights). The prior matters only for few images:
    /// when every validation image is right, `NLL(T) → 0` as `T → 0`, and the plain fit ran to its
    /// bound (T = 0.05 on the 40 fruit images: every probability 100 %, mistakes included). The
    /// objective is unimodal in `log T`, so a golden-section search over `log T ∈ [log 0.05,
    /// log 20]` (60 steps, in `Double`) finds the minimum deterministically. The accuracy does not
    /// change (`argmax` is unaffected).
    ///
    /// Shapes: `validation` rows are the network's inputs as bytes; returns 1 for no rows.
    static func fitTemperature(_ network: Network, on validation: Dataset,
                               standardization: InputStandardization) -> Float {
        guard validation.count > 0 else { return 1 }
        let z = network.logits(standardization.inputs(of: validation))
        return temperatureFit(logits: z, labels: validation.labels).temperature
    }

    /// The golden-section search of `fitTemperature` on given logits `z` (`n × k`, row `i` the
    /// logits of the example labelled `labels[i]`): the temperature and `NLL(T)` there, the
    /// *calibrated* validation loss that `EpochSelection.calibratedLoss` ranks epochs by.
    /// `(log T)² / (2n)` is the prior's term of the minimised objective.
    static func temperatureFit(logits: Matrix, labels: [Int]) -> (temperature: Float, loss: Double) {
        let n = logits.rows, k = logits.columns
        guard n > 0, k > 0 else { return (1, 0) }
        let z = logits.elements.map(Double.init)
        func nll(_ logT: Double) -> Double {
            let t = exp(logT)
            var total = 0.0
            for i in 0 ..< n {
                let row = z[i * k ..< (i + 1) * k]
                let top = row.max() ?? 0
                let sum = row.reduce(0.0) { $0 + exp(($1 - top) / t) }
                total += log(sum) - (z[i * k + labels[i]] - top) / t
            }
            return total / Double(n)
        }
        func objective(_ logT: Double) -> Double { nll(logT) + logT * logT / (2 * Double(n)) }
        let φ = (5.0.squareRoot() - 1) / 2
        var (a, b) = (log(0.05), log(20.0))
        var (c, d) = (b - φ * (b - a), a + φ * (b - a))
        var (fc, fd) = (objective(c), objective(d))
        for _ in 0 ..< 60 {
            if fc < fd {
                (b, d, fd) = (d, c, fc)
                c = b - φ * (b - a)
                fc = objective(c)
            } else {
                (a, c, fc) = (c, d, fd)
                d = a + φ * (b - a)
                fd = objective(d)
            }
        }
        let logT = (a + b) / 2
        let t = Float(exp(logT))
        return t.isFinite && t > 0 ? (t, nll(logT)) : (1, nll(0))
    }
}
