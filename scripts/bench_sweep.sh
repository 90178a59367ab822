#!/usr/bin/env bash
# Benchmark of the Monte Carlo sweep engine on the STT-BNN sense path (issue 4, acceptance 7;
# seed 001 Sec. IV). Prints, in one run:
#   1. throughput with 1 and 2 worker processes on the same fixed plan (goal: ratio >= 1.8 on
#      2 idle cores),
#   2. the resident memory of one worker before and after 1,000 samples (goal: growth < 20 MB),
#   3. the SPICE samples the adaptive plan needs for AER +-10 % (95 %) at N = 128, against the
#      129,000 runs of brute force (129 popcounts x 1,000 runs, seed 001 Fig. 7; goal >= 100x).
# Usage: scripts/bench_sweep.sh [rss_samples (1000) [target (0.1)]]   (env BUILD_DIR, default
# build-bench; env KEEP_ADAPTIVE=DIR keeps part 3's sweep output, the study's unboosted case, in
# DIR). A larger target (e.g. 0.25) gives a quick run of part 3.
# Takes ~20-30 minutes on 2 cores; run it on an otherwise idle machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build-bench}"
rss_samples="${1:-1000}"
target="${2:-0.1}"
if [[ ! -f "$build/build.ninja" && ! -f "$build/Makefile" ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPINCIM_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target spincim -j2 >/dev/null
exe="$build/src/cli/spincim"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }

# --- 1. throughput, 1 vs 2 workers ---------------------------------------------------------
cat >"$work/fixed.yaml" <<'EOF'
study: bench_fixed
seed: 5
monte_carlo:
  cases:
    - {label: n32, n: 32}
  plan: {kind: fixed, k: [15, 17], samples: 30}
EOF
t0=$(now); "$exe" sweep "$work/fixed.yaml" -o "$work/w1" --workers 1 --no-progress >/dev/null; t1=$(now)
"$exe" sweep "$work/fixed.yaml" -o "$work/w2" --workers 2 --no-progress >/dev/null; t2=$(now)
cmp -s "$work/w1/samples.csv" "$work/w2/samples.csv" && same=yes || same=NO
python3 - "$t0" "$t1" "$t2" "$same" <<'EOF'
import sys
t0, t1, t2 = map(float, sys.argv[1:4])
n = 60
print("1. throughput (N = 32 row + TBS, 60 samples, calibration included)")
print(f"   1 worker : {t1 - t0:7.1f} s  {n / (t1 - t0):6.2f} samples/s")
print(f"   2 workers: {t2 - t1:7.1f} s  {n / (t2 - t1):6.2f} samples/s")
print(f"   speed-up : {(t1 - t0) / (t2 - t1):.2f}x (goal >= 1.8); sample tables identical: {sys.argv[4]}")
EOF

# --- 2. worker memory over many samples ------------------------------------------------------
# The worker is driven directly over its protocol (sweep/worker.hpp): one request line, one
# answer line. Its study hash is the one in the journal header of the sweep above.
hash="$(head -n1 "$work/w1/journal.tsv" | cut -f3)"
python3 - "$exe" "$work/fixed.yaml" "$hash" "$rss_samples" <<'EOF'
import subprocess, sys
exe, study, h, total = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
p = subprocess.Popen([exe, "sweep-worker", study, "--hash", h], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
assert p.stdout.readline().startswith("spincim-sweep-worker")
def rss_mb():
    for line in open(f"/proc/{p.pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
warm = 20
before = None
for i in range(total):
    k = 15 if i % 2 == 0 else 17
    p.stdin.write(f"{k}\t{i}\n"); p.stdin.flush()
    answer = p.stdout.readline()
    if not answer:
        sys.exit("worker died")
    if i + 1 == warm:
        before = rss_mb()
after = rss_mb()
p.stdin.close(); p.wait()
print(f"2. worker RSS: {before:.1f} MB after {warm} samples, {after:.1f} MB after {total}; "
      f"growth {after - before:+.1f} MB (goal < 20 MB)")
EOF

# --- 3. adaptive plan, N = 128 ----------------------------------------------------------------
# The unboosted case of the study itself (its sense-amplifier sizes), at the requested target.
python3 - "$root/netlists/stt_bnn_crer.yaml" "$target" >"$work/adaptive.yaml" <<'EOF'
import sys
for line in open(sys.argv[1]).read().splitlines():
    if "label: N128_4x_boost" in line:
        continue
    if line.strip().startswith("target:"):
        line = line[: line.index("target:")] + "target: " + sys.argv[2]
    print(line)
EOF
grep -q "label: N128_4x," "$work/adaptive.yaml"
t0=$(now); "$exe" sweep "$work/adaptive.yaml" -o "$work/ad" --workers 2 --no-progress >/dev/null; t1=$(now)
python3 - "$work/ad/aer.csv" "$t0" "$t1" "$target" <<'EOF'
import csv, sys
row = next(csv.DictReader(open(sys.argv[1])))
runs = int(row["spice_samples"])
print(f"3. adaptive plan, N = 128, AER +-{100 * float(sys.argv[4]):.0f} % at 95 %:")
print(f"   AER = {float(row['aer']):.4g} [{float(row['aer_low']):.4g}, {float(row['aer_high']):.4g}], "
      f"relative half-width {float(row['relative_half_width']):.3f}, target met: {row['target_met']}")
print(f"   SPICE samples: {runs} (x3 simulator runs each) vs brute force 129,000: "
      f"{129000 / runs:.0f}x fewer (goal >= 100x); {float(sys.argv[3]) - float(sys.argv[2]):.0f} s")
print(f"   RER model {row['model']}: errors expected {float(row['expected_errors']):.1f}, "
      f"counted {row['observed_errors']} in the samples")
EOF
if [[ -n "${KEEP_ADAPTIVE:-}" ]]; then
    mkdir -p "$KEEP_ADAPTIVE" && cp -r "$work/ad/." "$KEEP_ADAPTIVE/"
fi
