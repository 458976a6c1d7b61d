#!/usr/bin/env python3
"""Mutation testing: does the test suite notice when the code is wrong?

Applies each mutation below to the sources, one at a time (an exact text replacement in a named
file: a changed constant in the math, a flipped transpose, an off-by-one loop bound, a dropped
check in the PNG boundary or the model loader, a swapped JSON key, a changed default), builds,
runs the tests that should notice, restores the file, and prints which mutants survived.

A surviving mutant is a missing test, or a mutation that changes nothing observable (an
"equivalent" mutant: say which in its `why`). A mutation whose text is no longer in its file (the
code moved on) is reported "not applied", never a crash: update its text.

The build uses its own scratch folder (.build-mutants) so the normal .build stays as it is. The
mutated file is restored after each mutant, also on Ctrl-C or SIGTERM.

Usage (from anywhere; CPU-heavy, so under nice):
    nice -n 5 python3 scripts/mutants.py            # every mutant
    python3 scripts/mutants.py --list               # the list, nothing run
    python3 scripts/mutants.py --only adam-beta2 tanh-prime
"""
import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ".build-mutants"
LIBRARY = "ImagingTests|ClassifierTests"
TIMEOUT = 900  # seconds per mutant's tests; a hang counts as killed (the suite noticed)

# (id, file, text to find, replacement, test filter, what the mutation breaks)
MUTANTS = [
    # Imaging
    ("luma-weights", "Sources/Imaging/FloatImage+Color.swift", "(0.299, 0.587, 0.114)", "(0.587, 0.299, 0.114)",
     LIBRARY, "luma weights of R and G swapped"),
    ("grey-alpha-composite", "Sources/Imaging/FloatImage+Color.swift", "out[p] = a * g + (1 - a) * bgLuma",
     "out[p] = g + (1 - a) * bgLuma", LIBRARY, "grey+alpha composite forgets to weight the pixel by alpha"),
    ("area-last-tap", "Sources/Imaging/FloatImage+Resize.swift", "Int(hi.rounded(.up)) - 1)", "Int(hi.rounded(.up)) - 2)",
     LIBRARY, "area-averaging shrink drops the last source pixel (off by one)"),
    ("bilinear-centre", "Sources/Imaging/FloatImage+Resize.swift", "(Double(i) + 0.5) * scale - 0.5", "(Double(i) + 0.5) * scale",
     LIBRARY, "bilinear enlarging samples pixel corners, not centres"),
    ("hex-255", "Sources/Imaging/InputFormat.swift", "components.append(Float(byte) / 255)",
     "components.append(Float(byte) / 256)", LIBRARY + "|PromiseTests", "#rrggbb parsed over 256"),
    ("input-vector-255", "Sources/Imaging/InputFormat+Preprocessing.swift", "preprocess(image).samples.map { Float($0) / 255 }",
     "preprocess(image).samples.map { Float($0) / 256 }", LIBRARY, "input vector scaled by 1/256"),
    # The C boundary (Sources/CPNG)
    ("png-pixel-limit", "Sources/CPNG/cpng.c", "if ((uint64_t)width * (uint64_t)height > pixel_limit) {",
     "if (0 && (uint64_t)width * (uint64_t)height > pixel_limit) {", "ImagingTests", "pixel budget check dropped"),
    ("png-16-bit-swap", "Sources/CPNG/cpng.c", "if (bit_depth == 16) png_set_swap(png);", "if (0) png_set_swap(png);",
     "ImagingTests", "16-bit samples left big-endian"),
    ("png-crc-ancillary", "Sources/CPNG/cpng.c", "png_set_crc_action(png, PNG_CRC_DEFAULT, PNG_CRC_WARN_DISCARD);",
     "png_set_crc_action(png, PNG_CRC_DEFAULT, PNG_CRC_ERROR_QUIT);", "ImagingTests", "bad ancillary CRC becomes an error"),
    # (PNG_CRC_DEFAULT for ancillary chunks would be an equivalent mutant: it already means warn and discard.)
    ("png-skip-chunks", "Sources/CPNG/cpng.c", "png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);", "",
     "FuzzRegressionTests", "ancillary chunks read again (the 1.9 GB tEXt fuzz finding)"),
    # (Not "skip the bounds test": reading past the buffer is undefined behaviour, killed only by chance.)
    # (Padding with zeros instead of failing became equivalent once the read callback set `ran_out` before
    # png_error: libpng then fails on the zeros and the status is still CPNG_TRUNCATED. Dropping the flag is not.)
    ("png-truncation-check", "Sources/CPNG/cpng.c", "source->ran_out = 1;", "(void)source;",
     "ImagingTests", "a truncated file is reported as a generic libpng failure, not as truncated"),
    # The class of a libpng failure, decided in C (cpng_classify.c), killed by DamagedPNGTests
    ("png-class-length", "Sources/CPNG/cpng_classify.c", "if (length > PNG_UINT_31_MAX) return CPNG_BAD_CHUNK;", "",
     "ImagingTests", "an impossible chunk length is no longer its own class"),
    ("png-class-crc", "Sources/CPNG/cpng_classify.c", "if (critical && crc != cpng_be32(chunk + 8 + length)) {",
     "if (0 && critical && crc != cpng_be32(chunk + 8 + length)) {", "ImagingTests", "a critical chunk's bad CRC goes unnamed"),
    ("png-class-critical", "Sources/CPNG/cpng_classify.c", "int critical = (chunk[4] & 0x20) == 0;", "int critical = 1;",
     "ImagingTests", "an ignored ancillary CRC is blamed for a later failure"),
    ("png-class-filter-byte", "Sources/CPNG/cpng_classify.c", "total += rows * (1 + (columns", "total += rows * (0 + (columns",
     "ImagingTests", "the rows' size forgets the filter byte, so short data reads as corrupt"),
    ("png-class-idat-end", "Sources/CPNG/cpng_classify.c",
     "status = CPNG_SHORT_DATA;  // libpng read the next chunk's header", "status = CPNG_BAD_DATA;  // libpng read the next chunk's header",
     "ImagingTests", "IDAT chunks that end before the rows read as corrupt, not short"),
    # The math
    ("bp3-mean", "Sources/Classifier/Math/Network+Backpropagation.swift", "scale: 1 / Float(m),", "scale: 2 / Float(m),",
     "ClassifierTests", "BP3 averages over m/2"),
    ("bp4-transpose", "Sources/Classifier/Math/Network+Backpropagation.swift",
     "sgemm(transposeA: true, transposeB: false, m: layer.outputCount",
     "sgemm(transposeA: false, transposeB: false, m: layer.outputCount", "ClassifierTests", "BP4 without δᵀ"),
    ("bp2-transpose", "Sources/Classifier/Math/Network+Backpropagation.swift",
     "sgemm(transposeA: false, transposeB: false, m: m, n: next.inputCount",
     "sgemm(transposeA: false, transposeB: true, m: m, n: next.inputCount", "ClassifierTests", "BP2 with W instead of Wᵀ"),
    ("tanh-prime", "Sources/Classifier/Math/Activation+Functions.swift", "fPrime(s: Float, a: Float) -> Float { 1 - a * a }",
     "fPrime(s: Float, a: Float) -> Float { 1 - a }",
     "ClassifierTests", "tanh′ = 1 − a instead of 1 − a²"),
    ("sigmoid-prime", "Sources/Classifier/Math/Activation+Functions.swift", "fPrime(s: Float, a: Float) -> Float { a * (1 - a) }",
     "fPrime(s: Float, a: Float) -> Float { a * (1 + a) }",
     "ClassifierTests", "σ′ = σ(1 + σ)"),
    ("arctan-prime", "Sources/Classifier/Math/Activation+Functions.swift", "1 / (1 + s * s)", "1 / (1 + s)",
     "ClassifierTests", "arctan′ = 1/(1 + s)"),
    ("quadratic-half", "Sources/Classifier/Math/Cost+Functions.swift", "loss += 0.5 * Double(sum)", "loss += Double(sum)",
     "ClassifierTests", "quadratic cost without ½"),
    ("ce-delta-rows", "Sources/Classifier/Math/Cost+Functions.swift",
     "for i in 0 ..< rows { delta[i * columns + labels[base + i]] -= 1 }",
     "for i in 0 ..< rows - 1 { delta[i * columns + labels[base + i]] -= 1 }", "ClassifierTests",
     "BP1 a − y skips the last row (off by one)"),
    ("argmax-bound", "Sources/Classifier/Math/Argmax.swift", "for j in 1 ..< max(1, count) where", "for j in 1 ..< max(1, count - 1) where",
     "ClassifierTests", "accuracy never counts the last class (off by one)"),
    # Training
    ("adam-beta2", "Sources/Classifier/Training/Optimizer.swift", "adamBeta2: Float = 0.999", "adamBeta2: Float = 0.99",
     "ClassifierTests", "Adam β₂ default"),
    ("adam-first-moment", "Sources/CGEMM/adam.c", "mi = _mm256_add_ps(_mm256_mul_ps(b1, mi), _mm256_mul_ps(c1, gi));",
     "mi = _mm256_add_ps(_mm256_mul_ps(b1, mi), gi);", "ClassifierTests", "Adam's first moment not an average (AVX path)"),
    ("smoothing-not-passed", "Sources/Classifier/Training/Trainer+Epochs.swift",
     "network.backward(labels: workspace.labels[..<rows], rows: rows, smoothing: c.labelSmoothing,",
     "network.backward(labels: workspace.labels[..<rows], rows: rows, smoothing: 0,",
     "ClassifierTests", "training ignores --label-smoothing"),
    ("smoothing-floor", "Sources/Classifier/Math/Cost+Functions.swift", "let floor = ε / Float(columns)", "let floor = ε",
     "ClassifierTests", "BP1's smoothed targets do not sum to 1 (ε instead of ε/K)"),
    ("adam-scalar-sqrt", "Sources/CGEMM/adam.c", "(sqrtf(vi * inverseC2) + epsilon)", "(sqrtf(vi) + epsilon)",
     "ClassifierTests", "Adam's one-element path forgets the second bias correction"),
    ("momentum-default", "Sources/Classifier/Training/Optimizer.swift", "momentumCoefficient: Float = 0.9",
     "momentumCoefficient: Float = 0.5", "ClassifierTests", "momentum μ default"),
    ("sgd-rate-default", "Sources/Classifier/Training/Optimizer.swift", "case .sgd: 0.1", "case .sgd: 0.05",
     "ClassifierTests", "SGD's default learning rate"),
    ("dropout-bp2-mask", "Sources/Classifier/Math/Network+Backpropagation.swift",
     "Kernels.multiply(&workspace.delta[l], by: workspace.masks[l], count: count)", "_ = count",
     "ClassifierTests", "BP2 ignores the dropout mask"),
    ("ensemble-output-scale", "Sources/Classifier/Math/Network+Ensemble.swift",
     "+= isOutput ? scale * w[r * inputs + c] : w[r * inputs + c]", "+= w[r * inputs + c]",
     "ClassifierTests", "the ensemble sums its members' logits instead of averaging them"),
    ("adam-slice-overlap", "Sources/Classifier/Kernels/Kernels+Optimizer.swift",
     "let start = min(slice * sliceLength, count), end = min(start + sliceLength, count)",
     "let start = min(slice * sliceLength, count), end = min(start + sliceLength + 8, count)",
     "ClassifierTests", "Adam's thread slices overlap (elements stepped twice)"),
    ("patience-bound", "Sources/Classifier/Training/Trainer+Epochs.swift",
     "if hasValidation && epochsWithoutImprovement >= c.patience {", "if hasValidation && epochsWithoutImprovement > c.patience {", "ClassifierTests", "early stopping one epoch late (off by one)"),
    ("keeps-last-not-best", "Sources/Classifier/Training/Trainer+Epochs.swift", ": (report.calibratedValidationLoss ?? loss) < bestCriterion",
     ": true",
     "ClassifierTests", "returns the last epoch, not the best"),
    ("sampler-no-reshuffle", "Sources/Classifier/Training/BalancedSampler.swift",
     "Dataset.shuffle(&streams[c], using: &generator)", "_ = generator.next()",
     "ClassifierTests", "balanced sampling cycles through each class in index order"),
    ("sampler-largest-class", "Sources/Classifier/Training/BalancedSampler.swift",
     "(exampleCount + streams.count - 1) / streams.count", "streams.map(\\.count).max()!",
     "ClassifierTests", "a balanced epoch draws the largest class's size from every class (the old, twice as long epoch)"),
    ("sampler-ignored", "Sources/Classifier/Training/Trainer+Epochs.swift",
     "if sampler != nil { order = sampler!.nextEpoch(using: &generator) }", "if sampler != nil { order = order.indices.map { $0 % training.count } }",
     "ClassifierTests|classifyTests.CommandLineTests", "--class-weight balanced samples nothing differently"),
    ("temperature-no-copies", "Sources/Classifier/Training/Trainer+Temperature.swift",
     "guard let shape = validation.imageShape, augmentation.changes(shape) else {",
     "guard let shape = validation.imageShape, augmentation.changes(shape) && false else {",
     "ClassifierTests", "the temperature is fitted on the validation images themselves, not their augmented copies"),
    ("temperature-prior-counts-copies", "Sources/Classifier/Training/Trainer+Temperature.swift",
     "priorCount: validation.count).temperature", "priorCount: labels.count).temperature",
     "ClassifierTests", "the temperature's prior counts the augmented copies as independent images"),
    ("trainer-temperature-unaugmented", "Sources/Classifier/Training/Trainer.swift",
     "temperature = Trainer.fitTemperature(run.best, on: validation, standardization: standardization,\n                                                 augmentation: c.augmentation,",
     "temperature = Trainer.fitTemperature(run.best, on: validation, standardization: standardization,\n                                                 augmentation: .none,",
     "ClassifierTests", "train fits its temperature without the augmented copies"),
    ("augment-never", "Sources/Classifier/Training/Trainer+Epochs.swift",
     "let shape = training.imageShape.flatMap { c.augmentation.changes($0) ? $0 : nil }", "let shape: ImageShape? = nil",
     "ClassifierTests", "--augment does nothing"),
    ("auto-flip-always", "Sources/Classifier/Training/Augmentation.swift", "resolved.flip = symmetry.isSymmetric",
     "resolved.flip = true", "ClassifierTests", "auto-flip mirrors digits and hand signs too (the symmetry test ignored)"),
    ("mirror-effect-ignored", "Sources/Classifier/Training/MirrorSymmetry.swift",
     "return r > Self.significance && (r - 1) / Double(counts[k]) > Self.minimumEffect", "return r > Self.significance",
     "ClassifierTests", "a significant but negligible asymmetry stops the flips"),
    ("mirror-variance-n", "Sources/Classifier/Training/MirrorSymmetry.swift",
     "let variance = max(0, squares[k] - n * meanSquared) / (n - 1)", "let variance = max(0, squares[k]) / (n - 1)",
     "ClassifierTests", "the per-input variances of the mirror differences left uncentred"),
    ("rotate-direction", "Sources/Classifier/Kernels/Kernels+Augmentation.swift",
     "let sy = min(max(Int((cy - sine * px + cosine * py).rounded()), 0), h - 1)",
     "let sy = min(max(Int((cy + sine * px + cosine * py).rounded()), 0), h - 1)",
     "ClassifierTests", "the rotation's inverse map is not a rotation (a shear with a reflection)"),
    ("image-centring-unfolded", "Sources/Classifier/ImageClassifier/ImageClassifier+ModelFile.swift",
     "let (network, inputStandardization) = self.inputStandardization.folded(into: self.network)",
     "let (network, inputStandardization) = (self.network, self.inputStandardization)",
     "ClassifierTests", "the model file drops the image centring instead of folding it into the first layer"),
    ("onnx-centring-unfolded", "Sources/Classifier/Export/ImageClassifier+ONNX.swift",
     "let (network, inputStandardization) = self.inputStandardization.folded(into: self.network)",
     "let (network, inputStandardization) = (self.network, self.inputStandardization)",
     "ClassifierTests", "the ONNX export drops the image centring instead of folding it"),
    ("image-mean-dropped", "Sources/Classifier/Kernels/Kernels+Gather.swift",
     "let own = Float(Double(total) / (255 * Double(columns)))", "let own = Float(Double(total) / (256 * Double(columns)))",
     "ClassifierTests", "each image's mean value computed over 256, not 255"),
    ("fold-last-column", "Sources/Classifier/Math/InputStandardization.swift",
     "for j in row { w[j] -= rowMean }", "for j in row.dropLast() { w[j] -= rowMean }",
     "ClassifierTests", "the fold leaves the last input's weights as they were"),
    ("average-ignored", "Sources/Classifier/Training/Trainer+Epochs.swift", "let judged = c.averageWeights ? averaged : network",
     "let judged = network", "ClassifierTests", "the moving average of the weights is kept but never used"),
    ("temperature-prior-dropped", "Sources/Classifier/Training/Trainer+Temperature.swift",
     "nll(logT) + logT * logT / (2 * Double(n))", "nll(logT)", "ClassifierTests", "no prior on log T"),
    ("split-at-least-one", "Sources/Classifier/Training/Dataset.swift", "k = max(1, min(k, n - 1))", "k = max(0, min(k, n - 1))",
     "ClassifierTests", "small classes get no validation example"),
    ("batch-default", "Sources/Classifier/Training/TrainingConfiguration.swift", "public var batchSize: Int = 32",
     "public var batchSize: Int = 16", "ClassifierTests", "default batch size"),
    ("hidden-default", "Sources/Classifier/Training/TrainingConfiguration.swift", "public var hiddenLayers: [Int] = [128]",
     "public var hiddenLayers: [Int] = [64]", "ClassifierTests", "default hidden layer"),
    ("l2-default", "Sources/Classifier/Training/TrainingConfiguration.swift", "public var l2: Float = 1e-4",
     "public var l2: Float = 1e-3", "ClassifierTests", "default L2"),
    ("seed-default", "Sources/Classifier/Training/TrainingConfiguration.swift", "public var seed: UInt64 = 42",
     "public var seed: UInt64 = 43", "ClassifierTests", "default seed"),
    # The model file
    ("json-width-height", "Sources/Classifier/ImageClassifier/ImageClassifier+ModelFile.swift",
     '"width": .integer(inputFormat.width),', '"width": .integer(inputFormat.height),', "ClassifierTests",
     "input width written from the height (swapped JSON key)"),
    ("loader-duplicate-classes", "Sources/Classifier/ModelFile/ModelFile+Metadata.swift", "guard seen.insert(name).inserted else {",
     "guard seen.insert(name).inserted || true else {", "ClassifierTests", "duplicate class names accepted"),
    ("loader-nan", "Sources/Classifier/ModelFile/ModelFile.swift", "if largestMagnitude >= 0x7f80_0000, let i",
     "if largestMagnitude >= 0x7f80_0000 && false, let i", "ClassifierTests", "NaN weights accepted"),
    ("loader-softmax-hidden", "Sources/Classifier/ImageClassifier/ImageClassifier+ModelFile.swift",
     "activations.dropLast().firstIndex(of: .softmax)", "activations.dropLast(2).firstIndex(of: .softmax)", "ClassifierTests",
     "softmax on the layer before the output accepted"),
    ("loader-byte-order", "Sources/Classifier/ModelFile/ModelFile.swift", "#if _endian(big)",
     "#if _endian(little)", "ClassifierTests|PromiseTests", "float bytes read in the wrong byte order"),
    # The command line
    ("rank-order", "Sources/Classifier/ImageClassifier/ImageClassifier+Prediction.swift",
     "probabilities[i] > probabilities[j] : i < j", "probabilities[i] < probabilities[j] : i < j",
     "ClassifierTests|CommandLineTests|PromiseTests", "predictions list the least likely class first"),
    ("cli-top", "Sources/classify/Predict.swift", "prediction.top(top ?? prediction.probabilities.count)",
     "prediction.top((top ?? prediction.probabilities.count - 1) + 1)",
     "PromiseTests", "--top K shows K + 1 classes"),
    ("cli-gray-background", "Sources/classify/Options.swift", "BackgroundColor(red: 0.5, green: 0.5, blue: 0.5)",
     "BackgroundColor(red: 0.4, green: 0.5, blue: 0.5)", "PromiseTests", "--background gray is not grey"),
    ("cli-show-errors-default", "Sources/classify/Evaluate.swift", "let limit = showErrors ?? 10", "let limit = showErrors ?? 5",
     "PromiseTests|CommandLineTests", "evaluate lists 5 mistakes by default, not 10"),
    ("cli-second-ctrl-c", "Sources/classify/Interrupt.swift", "if second {", "if false && second {",
     "InterruptionTests", "a second Ctrl-C does not quit"),
    ("cli-live-bar", "Sources/classify/TrainingProgressDisplay.swift", 'Console.errRaw("\\r\\u{1B}[2K" + line)',
     'Console.errRaw("\\n" + line)', "PromiseTests", "the live bar scrolls instead of redrawing in place"),
    ("cli-interrupted-key", "Sources/classify/Train.swift", "interrupted: result.wasInterrupted", "interrupted: false",
     "InterruptionTests", "train --json never reports an interruption"),
    ("cli-l2-flag", "Sources/classify/Train.swift", "configuration.l2 = l2", "configuration.l2 = 1e-4",
     "PromiseTests", "--l2 ignored"),
    ("cli-version", "Sources/classify/Classify.swift", 'version: "1.0.0"', 'version: "1.0"', "PromiseTests", "--version"),
]


class Interrupted(Exception):
    pass


def on_signal(signum, frame):
    raise Interrupted()


def run(command, timeout=None, log=None):
    """Runs a command in ROOT; returns (exit code or None on timeout, seconds, output tail)."""
    start = time.monotonic()
    try:
        done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(done.stdout)
        return done.returncode, time.monotonic() - start, done.stdout[-2000:]
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - start, ""


def build():
    return run(["swift", "build", "--build-tests", "--scratch-path", SCRATCH])


def test(filter_, name):
    """Runs the tests; the whole output goes to .build-mutants/logs/<name>.log."""
    status, seconds, _ = run(["swift", "test", "--skip-build", "--scratch-path", SCRATCH, "--filter", filter_], timeout=TIMEOUT,
                             log=ROOT / SCRATCH / "logs" / f"{name}.log")
    return status, seconds, f"see {SCRATCH}/logs/{name}.log"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", action="store_true", help="print the mutants and exit")
    parser.add_argument("--only", nargs="*", help="run only these mutant ids")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated build and test run")
    args = parser.parse_args()
    ids = [m[0] for m in MUTANTS]
    assert len(set(ids)) == len(ids), "duplicate mutant ids"
    if args.list:
        for id_, file, _, _, filter_, why in MUTANTS:
            print(f"{id_:26} {file:62} {why}")
        print(f"{len(MUTANTS)} mutants")
        return 0
    chosen = [m for m in MUTANTS if not args.only or m[0] in args.only]
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    if not args.no_baseline:
        status, seconds, output = build()
        if status != 0:
            print(output)
            print("baseline build failed: fix the build first")
            return 2
        filters = "|".join(sorted({m[4] for m in chosen}))
        status, seconds, output = test(filters, "baseline")
        if status != 0:
            print(output)
            print("baseline tests fail without any mutation: fix them first")
            return 2
        print(f"baseline: the unmutated sources pass ({seconds:.0f} s)", flush=True)

    results = []
    try:
        for id_, file, find, replace, filter_, why in chosen:
            path = ROOT / file
            original = path.read_text() if path.exists() else None
            count = original.count(find) if original is not None else 0
            if count != 1:
                reason = "file missing" if original is None else ("text not found" if count == 0 else f"text found {count} times")
                results.append((id_, "not applied", reason, why))
                print(f"{id_:26} not applied ({reason})", flush=True)
                continue
            try:
                path.write_text(original.replace(find, replace))
                status, build_seconds, output = build()
                if status != 0:
                    outcome, detail = "killed", f"does not compile ({build_seconds:.0f} s)"
                else:
                    status, test_seconds, output = test(filter_, id_)
                    if status is None:
                        outcome, detail = "killed", f"tests hung past {TIMEOUT} s"
                    elif status != 0:
                        outcome, detail = "killed", f"{filter_} failed ({build_seconds:.0f} s build, {test_seconds:.0f} s tests)"
                    else:
                        outcome, detail = "SURVIVED", f"{filter_} passed"
            finally:
                path.write_text(original)
            results.append((id_, outcome, detail, why))
            print(f"{id_:26} {outcome:9} {detail}", flush=True)
    except Interrupted:
        print("\ninterrupted: the mutated file was restored")
        return 130

    killed = sum(r[1] == "killed" for r in results)
    survived = [r for r in results if r[1] == "SURVIVED"]
    skipped = sum(r[1] == "not applied" for r in results)
    print(f"\n{killed} killed, {len(survived)} survived, {skipped} not applied, of {len(results)} mutants")
    for id_, _, _, why in survived:
        print(f"  survived: {id_}: {why}")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
