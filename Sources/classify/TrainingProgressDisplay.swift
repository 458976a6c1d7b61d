import Classifier
import Platform

/// Renders training events on stderr: a live bar (epoch, batch, loss, accuracy, samples/s, ETA
/// of the epoch) redrawn in place when stderr is a terminal, and one plain line per epoch otherwise.
final class TrainingProgressDisplay {
    private let live: Bool
    private var barShown = false
    private var epochStart = Date()
    private var currentEpoch = 0

    init(live: Bool) {
        self.live = live
    }

    func show(_ event: TrainingEvent) {
        switch event {
        case let .batch(p):
            guard live else { return }
            if p.epoch != currentEpoch {
                currentEpoch = p.epoch
                epochStart = Date()
            }
            let elapsed = Date().timeIntervalSince(epochStart)
            let eta = p.batch > 0 ? Format.duration(elapsed / Double(p.batch) * Double(p.batchCount - p.batch)) : "–"
            let fraction = Double(p.batch) / Double(max(1, p.batchCount))
            let line = (p.members > 1 ? "network \(p.member)/\(p.members)  " : "") + "epoch \(p.epoch)/\(p.maxEpochs) \(Format.pad(Format.bar(fraction, width: 20), 20)) \(p.batch)/\(p.batchCount)"
                + "  loss \(String(cFormat: "%.4f", p.loss))  accuracy \(Format.percent(p.accuracy))"
                + "  \(Format.count(Int(p.samplesPerSecond))) samples/s  ETA \(eta)"
            Console.errRaw("\r\u{1B}[2K" + line)
            barShown = true
        case let .epoch(r):
            finish()
            currentEpoch = 0
            var line = (r.members > 1 ? "network \(r.member)/\(r.members)  " : "") + "epoch \(Format.pad(String(r.epoch), String(r.maxEpochs).count, right: true))/\(r.maxEpochs)"
                + "  loss \(String(cFormat: "%.4f", r.trainingLoss))  accuracy \(Format.percent(r.trainingAccuracy))"
            if let vl = r.validationLoss, let va = r.validationAccuracy {
                line += "  validation loss \(String(cFormat: "%.4f", vl))  accuracy \(Format.percent(va))"
            }
            line += "  \(Format.count(Int(r.samplesPerSecond))) samples/s"
            if r.isBest { line += "  (best)" }
            Console.err(line)
        }
    }

    /// Clears a half-drawn bar.
    func finish() {
        if barShown { Console.errRaw("\r\u{1B}[2K"); barShown = false }
    }
}
