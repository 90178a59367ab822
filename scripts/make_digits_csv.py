#!/usr/bin/env python3
"""Convert the 8x8 handwritten-digits data set shipped with scikit-learn into netlists/data/digits8x8.csv.

Source: E. Alpaydin, C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine Learning
Repository, 1998 (https://doi.org/10.24432/C50P49); the 1,797-sample 8x8 version as shipped in
scikit-learn (sklearn/datasets/data/digits.csv.gz, Debian package python3-sklearn).

Each input row of digits.csv.gz holds 64 pixel counts (0..16, row-major 8x8 image) followed by the
class label (0..9). The output is a plain CSV with one header row (px00..px63,label) and the same
values as integers, in the original sample order, readable by numpy/pandas without options.

Usage: scripts/make_digits_csv.py [SOURCE.csv.gz] [OUT.csv]
"""
import csv
import gzip
import os
import sys

DEFAULT_SOURCE = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    source = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SOURCE
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.normpath(
        os.path.join(here, "..", "netlists", "data", "digits8x8.csv"))
    rows = []
    with gzip.open(source, "rt") as f:
        for lineno, line in enumerate(f, start=1):
            fields = line.strip().split(",")
            if len(fields) != 65:
                sys.exit(f"{source}:{lineno}: expected 65 fields, found {len(fields)}")
            values = [int(float(v)) for v in fields]
            if any(v < 0 or v > 16 for v in values[:64]) or not 0 <= values[64] <= 9:
                sys.exit(f"{source}:{lineno}: value out of range")
            rows.append(values)
    if len(rows) != 1797:
        sys.exit(f"{source}: expected 1797 samples, found {len(rows)}")
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([f"px{i:02d}" for i in range(64)] + ["label"])
        w.writerows(rows)
    print(f"wrote {len(rows)} samples to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
