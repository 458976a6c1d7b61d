import Classifier
import Platform

/// The summary `train` prints after training: epochs, accuracies, speed, augmentation, ensemble, refit.
extension Train {
    /// What the images went through, and why flips are on or off when `auto-flip` decided.
    func augmentationLine(_ augment: String, _ symmetry: MirrorSymmetry?, classes: [String]) -> String {
        let list = augment.split(separator: ",").joined(separator: ", ")
        guard let symmetry else { return list }
        let r = String(cFormat: "%.1f", symmetry.largestSignificance)
        if symmetry.isSymmetric { return "\(list) (flips: the images are mirror-symmetric, asymmetry at most \(r))" }
        if let k = symmetry.counts.indices.filter(symmetry.isAsymmetric).max(by: { (symmetry.significance[$0] ?? 0) < (symmetry.significance[$1] ?? 0) }) {
            let rk = String(cFormat: "%.1f", symmetry.significance[k] ?? 0)
            return "\(list) (no flips: '\(Format.terminalSafe(classes[k]))' is not mirror-symmetric, asymmetry \(rk) > 3)"
        }
        return "\(list) (no flips: fewer than \(MirrorSymmetry.minimumImages) images in a class to tell whether mirroring is safe)"
    }

    static let criterion: [EpochSelection: String] = [.loss: "loss", .calibratedLoss: "loss at the fitted temperature",
                                                       .accuracy: "accuracy or loss"]

    func printSummary(_ result: TrainingResult, loaded: ImageDataset, seconds: Double, speed: Double, stoppedBy: String?) {
        let s = result.summary
        var how = ""
        if result.wasInterrupted { how = ", stopped by \(stoppedBy ?? "Ctrl-C")" } else if result.stoppedEarly { how = ", stopped early: no "
            + "better validation \(Self.criterion[learning.select] ?? "loss") for \(patience) epochs" }
        Console.out("Trained on \(Format.count(s.trainingExamples)) images (\(Format.count(s.validationExamples)) more held out for "
            + "validation) in \(Format.duration(seconds)).")
        Console.out("  epochs               \(s.epochs) (best \(s.bestEpoch)\(how))")
        Console.out("  training accuracy    \(Format.percent(s.trainingAccuracy))")
        if let v = s.validationAccuracy {
            Console.out("  validation accuracy  \(Format.percent(v))")
        }
        Console.out("  speed                \(Format.count(Int(speed))) samples/s")
        Console.out("  augmentation         \(augmentationLine(s.hyperparameters["augment"] ?? "none", result.mirrorSymmetry, classes: loaded.classes))")
        if learning.ensemble > 1, let epochs = s.hyperparameters["ensemble_best_epochs"] {
            Console.out("  ensemble             \(learning.ensemble) networks (best epochs \(epochs.split(separator: ",").joined(separator: ", "))), "
                + "outputs averaged in one \(result.network.sizes.map(String.init).joined(separator: "-")) network")
        }
        if let examples = s.refitExamples, let epochs = s.refitEpochs {
            Console.out("  refit                \(epochs) epochs on all \(Format.count(examples)) images (the best epoch's count)")
        }
        let what = learning.ensemble > 1 ? "ensemble" : s.refitEpochs == nil ? "model (epoch \(s.bestEpoch))" : "refit model"
        Console.out("Saved the \(what) to \(modelOptions.model).")
    }
}
