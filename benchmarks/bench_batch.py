"""Benchmark: command start-up, one score, batch throughput and memory, result size, a huge inventory.

    python benchmarks/bench_batch.py [--responses 10000] [--pdf-responses 1000] [--jobs 2] [--repeats 15]

Generates the synthetic responses once (benchmarks/generate_responses.py, seed 7) into a temporary
folder, then measures, on this machine:
  start-up   `mipat --help`, `mipat validate` and `mipat score` on the French example (median wall time)
  batch      `mipat batch --jobs J` over N responses: wall time and peak memory of the whole process tree
  batch+pdf  the same with `--pdf` over M responses
  result     size of the result JSON of each example
  inventory  parsing and validating a response with 10,000 partnerships
Run on demand, never in the test suite; quote the machine with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "national-origin-fr.yaml"
MIPAT = str(Path(sys.executable).with_name("mipat"))


def median_wall(args: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(args, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_with_peak_memory(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak MiB of the process and all its children together, exit code."""
    start = time.perf_counter()
    process = psutil.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    done.set()
    sampler.join()
    if process.returncode not in (0, 3):
        print(err.decode()[-2000:], file=sys.stderr)
    return time.perf_counter() - start, peak / 2**20, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--pdf-responses", type=int, default=1_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    work = Path(tempfile.mkdtemp(prefix="mipat-bench-"))

    subprocess.run([MIPAT, "score", str(EXAMPLE)], check=True, stdout=subprocess.DEVNULL)  # warm the cache
    for label, command in [
        ("mipat --help", [MIPAT, "--help"]),
        ("mipat validate (example)", [MIPAT, "validate", str(EXAMPLE)]),
        ("mipat score (example)", [MIPAT, "score", str(EXAMPLE)]),
    ]:
        print(f"{label:<28} median {1000 * median_wall(command, args.repeats):7.0f} ms over {args.repeats} runs")

    for name in sorted((ROOT / "examples").glob("*.yaml")):
        out = work / f"{name.stem}.json"
        subprocess.run([MIPAT, "score", str(name), "--format", "json", "-o", str(out)], check=True)
        print(f"result JSON {name.stem:<24} {out.stat().st_size / 1024:6.1f} KiB")

    big = work / "inventory-10000.yaml"
    generator = str(ROOT / "benchmarks" / "generate_responses.py")
    subprocess.run([sys.executable, generator, str(big), "--single", "--partnerships", "10000-10000"], check=True)
    from mipat.questionnaires.source_files import read_document
    from mipat.questionnaires.validation import validate_file

    start = time.perf_counter()
    read_document(big)
    parsed = time.perf_counter() - start
    start = time.perf_counter()
    validate_file(big)
    validated = time.perf_counter() - start
    print(
        f"10,000-partnership inventory ({big.stat().st_size / 2**20:.1f} MiB): parse {parsed:.2f} s, "
        f"validate {validated:.2f} s"
    )

    for count, pdf in [(args.responses, False), (args.pdf_responses, True)]:
        if not count:
            continue
        inputs = work / f"responses-{count}"
        subprocess.run([sys.executable, generator, str(inputs), "-n", str(count)], check=True)
        out = work / f"out-{count}-{'pdf' if pdf else 'json'}"
        command = [MIPAT, "batch", str(inputs), "--out", str(out), "--jobs", str(args.jobs)]
        wall, peak, code = run_with_peak_memory(command + (["--pdf"] if pdf else []))
        print(
            f"batch {count:>6} responses{' + PDF' if pdf else '':<6} --jobs {args.jobs}: {wall:6.1f} s wall "
            f"({1000 * wall / count:.2f} ms/response), peak {peak:.0f} MiB, exit {code}"
        )


if __name__ == "__main__":
    main()
