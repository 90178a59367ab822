#!/usr/bin/python3
"""Accuracy vs sub-array width N, with and without SL boosting (seed 001 Fig. 12 style).

Reads the accuracy table written by spincim::network::write_accuracy_csv (columns label,
n_columns, boost, access_width, injection, aer, ..., software_accuracy, float_accuracy,
accuracy_mean, accuracy_ci_low, accuracy_ci_high, ...) and plots the mean accuracy with its 95 %
confidence interval versus N, one line per (boost, injection, access width).

Usage: scripts/plot_accuracy_vs_n.py accuracy.csv [out.png]
"""
import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main() -> int:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    src = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else src.rsplit(".", 1)[0] + "_vs_n.png"
    lines = defaultdict(list)
    software = {}
    with open(src, newline="") as f:
        for row in csv.DictReader(f):
            n = int(row["n_columns"])
            software[n] = float(row["software_accuracy"])
            if row["injection"] == "none":
                continue
            key = (row["boost"] == "1", row["injection"], float(row["access_width"]))
            lines[key].append((n, 100 * float(row["accuracy_mean"]),
                               100 * float(row["accuracy_ci_low"]), 100 * float(row["accuracy_ci_high"])))
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ns = sorted(software)
    ax.plot(ns, [100 * software[n] for n in ns], "k--", marker="s", label="software (partitioned BNN)")
    for (boost, injection, width), pts in sorted(lines.items()):
        pts.sort()
        x = [p[0] for p in pts]
        y = [p[1] for p in pts]
        err = [[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]]
        label = f"{'boost' if boost else 'no boost'}, {injection}, {width:g}x access"
        ax.errorbar(x, y, yerr=err, marker="o" if boost else "^", capsize=3, label=label)
    ax.set_xscale("log", base=2)
    ax.set_xticks(ns)
    ax.set_xticklabels([str(n) for n in ns])
    ax.set_xlabel("sub-array columns N")
    ax.set_ylabel("inference accuracy (%)")
    ax.set_title("STT-BNN accuracy vs N (cf. seed 001 Fig. 12)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=150)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
