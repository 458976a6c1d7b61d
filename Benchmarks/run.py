#!/usr/bin/env python3
"""The classify benchmark: the project and its Python references, in one run, one table.

    python3 Benchmarks/run.py            # full run (~10 minutes, data cached in .bench-cache/)
    python3 Benchmarks/run.py --quick    # smaller sizes, ~2-3 minutes, for trying it out

Builds `classify` and `classify-bench` with `-c release`, prepares the data once
(Benchmarks/make_data.py), then measures, each figure the median of >= 3 runs:
  1. training throughput, 784-128-10 softmax-CE, plain SGD lr 0.1, float32: classify's Trainer
     vs numpy, PyTorch eager, JAX jit (relu batch 64, sigmoid batch 64, relu batch 256), and the
     fraction of the measured 2-thread sgemm roofline;
  2. end to end: `classify train` on a folder of 28x28 PNGs (+ save) vs Pillow + numpy, and the
     test accuracy each reaches;
  3. prediction: one `classify predict image.png` process vs `numpy_predict.py` (hyperfine when
     installed), and `classify predict` over a folder (images/s);
  4. loading: decode + preprocess images/s vs Pillow (28x28 grey; 256x256 RGB -> 32x32);
  5. memory: peak RSS of `classify train` on the memory set (1 epoch) vs the raw 8-bit data size.
Prints one table (absolute figures, ratios, target PASS/MISS) with the date, CPU and threads.
Timing never goes into `swift test`. The machine may be shared: read the ratios.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REF = os.path.join(HERE, "reference")
SCRATCH = os.path.join(ROOT, ".build-bench-static")  # release, Swift runtime linked statically
SCRATCH_DYNAMIC = os.path.join(ROOT, ".build-bench-rel")  # release, default (shared Swift runtime)
FLOPS_PER_SAMPLE = 6 * (784 * 128 + 128 * 10)  # forward 2·W, backward 4·W multiply-adds → FLOPs
ENGINES = ("openblas", "builtin")  # classify's matrix engines (CLASSIFY_BLAS), both measured


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(cmd, **kw):
    """Runs `cmd`, returns stdout; a failure stops the benchmark with the command's stderr."""
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=kw.pop("cwd", ROOT), **kw)
    if r.returncode != 0:
        raise SystemExit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-3000:]}")
    return r.stdout


def last_json(text):
    lines = [l for l in text.splitlines() if l.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def wall(cmd, repeats, env=None):
    """Median wall seconds of `repeats` runs of `cmd` (stdout discarded) and the last stdout."""
    times, out = [], ""
    for _ in range(repeats):
        t = time.perf_counter()
        out = run(cmd, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def reference_env():
    """The environment of the numpy/PyTorch/JAX references: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
    removed (set on some machines for an older OpenBLAS, they can push a current numpy onto a slower
    kernel), so the reference gets its best showing. Only the references' commands get it."""
    env = dict(os.environ)
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(var, None)
    return env


def interleaved(commands, rounds, key):
    """Runs each command (`--repeats 1`) once per round, in turn, and keeps the median of `key`:
    a burst of load from another job then hits every side instead of one side's whole run.
    A command is an argument list, or (argument list, environment)."""
    results = {name: [] for name in commands}
    for _ in range(rounds):
        for name, cmd in commands.items():
            cmd, env = cmd if isinstance(cmd, tuple) else (cmd, None)
            out = last_json(run(cmd, env=env))
            if key not in out:  # a reference that skipped itself (not installed)
                results.pop(name, None)
                continue
            if name in results:
                results[name].append(out)
    medians = {}
    for name, outs in results.items():
        if outs:
            best = dict(outs[-1])
            best[key] = statistics.median(o[key] for o in outs)
            best["rounds"] = [o[key] for o in outs]
            medians[name] = best
    return medians


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": cpu, "threads": os.cpu_count(), "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
            "python": platform.python_version()}


def number(value, unit):
    """1,234,567 for big figures, 3 significant digits for small ones."""
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{text} {unit}".strip()


class Table:
    """Rows of (section, what, figure, reference figure, ratio, target verdict)."""

    def __init__(self):
        self.rows = []

    def add(self, section, what, value, unit, versus="", ratio=None, target=""):
        self.rows.append((section, what, number(value, unit) if isinstance(value, (int, float)) else str(value),
                          versus, "" if ratio is None else f"{ratio:.2f}x", target))

    def render(self):
        head = ("section", "measurement", "classify", "reference", "ratio", "target")
        widths = [max(len(str(r[i])) for r in self.rows + [head]) for i in range(6)]
        line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
        out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        out += [line(r) for r in self.rows]
        return "\n".join(out)


def verdict(ok, text):
    return f"{'PASS' if ok else 'MISS'} ({text})"


def main():
    p = argparse.ArgumentParser(description="Run the classify benchmark and print one table.")
    p.add_argument("--quick", action="store_true", help="smaller sizes for a try-out")
    p.add_argument("--skip-build", action="store_true", help="use the existing release build")
    p.add_argument("--repeats", type=int, default=3, help="runs per measurement (median), at least 3")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", help="also write every raw result to this file")
    p.add_argument("--only-training", action="store_true", help="section 1 only (both engines vs the references)")
    p.add_argument("--compare-dynamic", action="store_true",
                   help="also build classify with the shared Swift runtime and time one prediction with it")
    a = p.parse_args()
    a.repeats = max(3, a.repeats)
    q = a.quick
    sizes = dict(examples=10000 if q else 60000, train=3000 if q else 20000, test=500 if q else 2000,
                 memory=6000 if q else 60000, rgb=100 if q else 400, predict=200 if q else 1000,
                 epochs=2 if q else 5)
    info = machine()
    raw = {"machine": info, "sizes": sizes}
    table = Table()

    # The product is measured as shipped for speed: `swift build -c release --static-swift-stdlib`
    # (a process start with the shared Swift runtime + Foundation costs ~3x more CPU: see README).
    static = ["--static-swift-stdlib"]
    if not a.skip_build:
        log("building (release, --static-swift-stdlib)…")
        for product in ("classify", "classify-bench"):
            run(["swift", "build", "-c", "release", "--scratch-path", SCRATCH, "--product", product] + static)
        if a.compare_dynamic:
            log("building (release, shared Swift runtime)…")
            run(["swift", "build", "-c", "release", "--scratch-path", SCRATCH_DYNAMIC, "--product", "classify"])
    bindir = run(["swift", "build", "-c", "release", "--scratch-path", SCRATCH, "--show-bin-path"] + static).strip()
    classify, bench = os.path.join(bindir, "classify"), os.path.join(bindir, "classify-bench")
    dynamic_classify = os.path.join(
        run(["swift", "build", "-c", "release", "--scratch-path", SCRATCH_DYNAMIC, "--show-bin-path"]).strip(), "classify")

    if a.only_training:  # section 1 makes its own synthetic data
        sets = {}
    else:
        log("preparing data (cached)…")
        sets = json.loads(run([sys.executable, os.path.join(HERE, "make_data.py"), "--train", str(sizes["train"]),
                               "--test", str(sizes["test"]), "--memory-images", str(sizes["memory"]),
                               "--rgb", str(sizes["rgb"]), "--predict", str(sizes["predict"])]))
    work = tempfile.mkdtemp(prefix="classify-bench-")
    R, T = str(a.repeats), str(a.threads)

    # 1. Training throughput -------------------------------------------------------------------
    log("1. training throughput…")
    rooflines = {}
    for engine in ENGINES:
        sg = last_json(run([bench, "sgemm", "--size", "2048", "--threads", T, "--repeats", "5", "--engine", engine]))
        raw[f"sgemm_{engine}"] = sg
        rooflines[engine] = sg["gflops"] * 1e9 / FLOPS_PER_SAMPLE
        table.add("1 train", f"sgemm 2048² roofline, {T} threads, {engine}", sg["gflops"], "GFLOP/s",
                  f"= {rooflines[engine]:,.0f} samples/s")
    have_torch = subprocess.run([sys.executable, "-c", "import torch"], capture_output=True).returncode == 0
    have_jax = subprocess.run([sys.executable, "-c", "import jax"], capture_output=True).returncode == 0
    ref_env = reference_env()
    for activation, batch in (("relu", 64), ("sigmoid", 64), ("relu", 256)):
        common = ["--activation", activation, "--batch-size", str(batch), "--examples", str(sizes["examples"]),
                  "--epochs", "1", "--repeats", "1", "--threads", T]
        commands = {f"classify {e}": [bench, "train", "--engine", e] + common for e in ENGINES}
        commands["numpy"] = ([sys.executable, os.path.join(REF, "numpy_mlp.py")] + common, ref_env)
        if have_torch:
            commands["pytorch"] = ([sys.executable, os.path.join(REF, "torch_mlp.py")] + common, ref_env)
        if have_jax:
            commands["jax"] = ([sys.executable, os.path.join(REF, "jax_mlp.py")] + common, ref_env)
        refs = interleaved(commands, a.repeats, "samples_per_second")
        ours = {e: refs.pop(f"classify {e}") for e in ENGINES}
        raw[f"train_{activation}_{batch}"] = {**{f"classify_{e}": o for e, o in ours.items()}, **refs}
        label = f"{activation} batch {batch}"
        for e in ENGINES:
            s = ours[e]["samples_per_second"]
            table.add("1 train", f"classify {e} {label}", s, "samples/s", f"{s / rooflines[e]:.0%} of its roofline")
        s, sb = ours["openblas"]["samples_per_second"], ours["builtin"]["samples_per_second"]
        r = sb / s
        table.add("1 train", f"  builtin / openblas {label}", "", "", "", r,
                  verdict(r >= 0.7, "built-in ≥ 0.7× OpenBLAS") if (activation, batch) == ("relu", 64) else "")
        fastest = max(refs.items(), key=lambda kv: kv[1]["samples_per_second"])
        for name, ref in refs.items():
            rs = ref["samples_per_second"]
            target = ""
            if batch == 64 and activation == "relu":
                if name == fastest[0]:
                    target = verdict(s >= rs, "≥ fastest reference")
                if name == "pytorch":
                    target = (target + "; " if target else "") + verdict(s >= 2.5 * rs, "≥ 2.5× PyTorch")
            kernel = f" ({ref['blas']})" if "blas" in ref else ""
            table.add("1 train", f"  openblas vs {name} {label}{kernel}", "", "", f"{rs:,.0f} samples/s", s / rs, target)
            if name == "numpy":
                table.add("1 train", f"  builtin vs numpy {label}", "", "", "", sb / rs,
                          verdict(sb >= rs, "built-in ≥ numpy") if (activation, batch) == ("relu", 64) else "")

    if a.only_training:
        return finish(a, info, table, raw)

    # 2. End to end -------------------------------------------------------------------------------
    log("2. end to end…")
    E = str(sizes["epochs"])
    model = os.path.join(work, "e2e.safetensors")
    train_cmd = [classify, "train", sets["train"], "--model", model, "--epochs", E, "--validation-split", "0",
                 "--optimizer", "sgd", "--learning-rate", "0.1", "--batch-size", "64", "--hidden", "128",
                 "--activation", "relu", "--l2", "0", "--size", "28x28", "--color", "gray", "--threads", T]
    # Each repeat uses its own seed on both sides (1, 2, 3, …): the time is the median, the accuracy
    # the mean over the seeds (one seed's test accuracy varies by a few points either way).
    ours_times, ours_accs = [], []
    for r in range(a.repeats):
        t = time.perf_counter()
        run(train_cmd + ["--seed", str(r + 1)])
        ours_times.append(time.perf_counter() - t)
        ev = json.loads(run([classify, "evaluate", sets["test"], "--model", model, "--json", "--threads", T]))
        ours_accs.append(ev["accuracy"])
    ours_s, ours_acc = statistics.median(ours_times), statistics.mean(ours_accs)
    py_times, py_accs, py = [], [], {}
    for r in range(a.repeats):
        t = time.perf_counter()
        py = last_json(run([sys.executable, os.path.join(REF, "pillow_pipeline.py"), sets["train"], "--test", sets["test"],
                            "--epochs", E, "--threads", T, "--seed", str(r + 1),
                            "--out", os.path.join(work, "ref.safetensors")]))
        py_times.append(time.perf_counter() - t - py["seconds"].get("test", 0))  # test scoring not timed
        py_accs.append(py["test_accuracy"])
    py_s, py_acc = statistics.median(py_times), statistics.mean(py_accs)
    raw["end_to_end"] = {"classify_seconds": ours_times, "classify_accuracy": ours_accs,
                         "python_seconds": py_times, "python_accuracy": py_accs, "python_last": py}
    table.add("2 e2e", f"train {sizes['train']} PNGs, {E} epochs + save", ours_s, "s", f"{number(py_s, 's')} (Pillow+numpy)",
              py_s / ours_s, verdict(py_s / ours_s >= 3 and ours_acc >= py_acc - 1e-9, "≥ 3×, accuracy ≥"))
    spread = lambda xs: f"{min(xs):.1%}–{max(xs):.1%}"
    table.add("2 e2e", f"  test accuracy ({sizes['test']} images), mean of {a.repeats} seeds",
              f"{ours_acc:.2%} ({spread(ours_accs)})", "", f"{py_acc:.2%} ({spread(py_accs)})")

    # 3. Prediction -------------------------------------------------------------------------------
    log("3. prediction…")
    image = os.path.join(sets["predict"], sorted(f for f in os.listdir(sets["predict"]) if f.endswith(".png"))[0])
    one = [classify, "predict", "--model", model, image]
    npy = [sys.executable, os.path.join(REF, "numpy_predict.py"), model, image]
    if shutil.which("hyperfine"):
        out = os.path.join(work, "hyperfine.json")
        run(["hyperfine", "-N", "--warmup", "3", "--runs", "30", "--export-json", out, " ".join(one)])
        ours_one = json.load(open(out))["results"][0]["median"]
        run(["hyperfine", "-N", "--warmup", "1", "--runs", "10", "--export-json", out, " ".join(npy)])
        py_one = json.load(open(out))["results"][0]["median"]
        how = "hyperfine median"
    else:
        run(one)
        ours_one, _ = wall(one, 30)
        py_one, _ = wall(npy, 10)
        how = "median of subprocess runs"
    raw["predict_one"] = {"classify": ours_one, "numpy": py_one, "how": how}
    table.add("3 predict", "one image, whole process", ours_one * 1000, "ms", f"{number(py_one * 1000, 'ms')} (numpy)",
              py_one / ours_one, verdict(ours_one < 0.020, "< 20 ms"))
    if a.compare_dynamic and os.path.exists(dynamic_classify):
        dyn = [dynamic_classify] + one[1:]
        if shutil.which("hyperfine"):
            run(["hyperfine", "-N", "--warmup", "3", "--runs", "30", "--export-json", out, " ".join(dyn)])
            dyn_one = json.load(open(out))["results"][0]["median"]
        else:
            dyn_one, _ = wall(dyn, 30)
        raw["predict_one"]["classify_shared_runtime"] = dyn_one
        table.add("3 predict", "  same, shared Swift runtime build", dyn_one * 1000, "ms", "", py_one / dyn_one,
                  verdict(dyn_one < 0.020, "< 20 ms"))
    folder_s, _ = wall([classify, "predict", "--model", model, "--json", "--threads", T, sets["predict"]], a.repeats)
    raw["predict_folder"] = {"seconds": folder_s, "images": sizes["predict"]}
    table.add("3 predict", f"folder of {sizes['predict']} images", sizes["predict"] / folder_s, "images/s")

    # 4. Loading ----------------------------------------------------------------------------------
    log("4. loading…")
    for name, folder, size, color in (("28×28 grey", sets["train"], 28, "gray"),
                                      ("256×256 RGB → 32×32", sets["rgb"], 32, "rgb")):
        ours, ref = (interleaved({
            "classify": [bench, "load", folder, "--size", f"{size}x{size}", "--color", color, "--threads", T, "--repeats", "1"],
            "pillow": [sys.executable, os.path.join(REF, "pillow_load.py"), folder, "--size", str(size), "--color", color,
                       "--repeats", "1"],
        }, a.repeats, "images_per_second")[k] for k in ("classify", "pillow"))
        raw[f"load_{color}"] = {"classify": ours, "pillow": ref}
        r = ours["images_per_second"] / ref["images_per_second"]
        table.add("4 load", f"{name} ({ours['images']} files)", ours["images_per_second"], "images/s",
                  f"{ref['images_per_second']:,.0f} images/s (Pillow)", r, verdict(r >= 3, "≥ 3× Pillow"))

    # 5. Memory -----------------------------------------------------------------------------------
    log("5. memory…")
    rss = []
    mem_model = os.path.join(work, "memory.safetensors")
    for _ in range(a.repeats):
        r = subprocess.run(["/usr/bin/time", "-v", classify, "train", sets["memory"], "--model", mem_model, "--epochs", "1",
                            "--validation-split", "0", "--optimizer", "sgd", "--size", "28x28", "--color", "gray",
                            "--threads", T], capture_output=True, text=True, cwd=ROOT)
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
        if r.returncode != 0 or not m:
            raise SystemExit(f"memory run failed:\n{r.stderr[-2000:]}")
        rss.append(int(m.group(1)) * 1024)
    peak = statistics.median(rss)
    raw_bytes = sizes["memory"] * 784
    limit = 1.5 * raw_bytes + 64 * 2**20
    raw["memory"] = {"peak_bytes": peak, "raw_bytes": raw_bytes, "limit_bytes": limit}
    table.add("5 memory", f"peak RSS, train {sizes['memory']} images, 1 epoch", peak / 2**20, "MB",
              f"raw data {raw_bytes / 2**20:.1f} MB", peak / raw_bytes,
              verdict(peak <= limit, f"≤ 1.5×raw + 64 MB = {limit / 2**20:.0f} MB"))

    shutil.rmtree(work, ignore_errors=True)
    finish(a, info, table, raw)


def finish(a, info, table, raw):
    mode = ("quick" if a.quick else "full") + (", training only" if a.only_training else "")
    openblas_vars = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}
    print(f"classify benchmark ({mode}) — {info['date']} — CPU: {info['cpu']}, {info['threads']} hardware threads, "
          f"{a.threads} used — load average at start {info['load']} — Python {info['python']}; "
          f"median of {a.repeats} runs each, sides interleaved — OPENBLAS_* in the environment: "
          f"{openblas_vars or 'none'} (removed for the references' commands only)")
    print(table.render())
    if a.json:
        with open(a.json, "w") as f:
            json.dump(raw, f, indent=1)


if __name__ == "__main__":
    main()
