#!/usr/bin/env python3
"""Convert the Wine data set shipped with scikit-learn into netlists/data/wine.csv.

Source: M. Forina et al., "Wine", UCI Machine Learning Repository, 1991
(https://doi.org/10.24432/C5PC7J): chemical analysis of 178 wines from three cultivars of the same
Italian region, 13 attributes; the copy shipped in scikit-learn
(sklearn/datasets/data/wine_data.csv, Debian package python3-sklearn). Seed 003 (Goodwill et al.,
Phys. Rev. Applied 18, 014039 (2022), Sec. II.A, Ref. [51]) classifies this data set.

The scikit-learn file starts with a line `178,13,class_0,class_1,class_2` followed by one sample per
line: 13 attribute values and the class label (0..2). The output is a plain CSV with one header row
(the 13 attribute names of the UCI description, then `label`) and the same values, in the original
sample order, readable by numpy/pandas without options. The attributes are written unscaled; the
network layer normalises them to [0, 1].

Usage: scripts/make_wine_csv.py [SOURCE.csv] [OUT.csv]
"""
import csv
import os
import sys

DEFAULT_SOURCE = "/usr/lib/python3/dist-packages/sklearn/datasets/data/wine_data.csv"
HEADER = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols",
          "flavanoids", "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
          "od280_od315", "proline", "label"]


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    source = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SOURCE
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.normpath(
        os.path.join(here, "..", "netlists", "data", "wine.csv"))
    rows = []
    with open(source, newline="") as f:
        reader = csv.reader(f)
        first = next(reader)
        if first[:2] != ["178", "13"]:
            sys.exit(f"{source}:1: expected the header '178,13,...', found {','.join(first)}")
        for lineno, fields in enumerate(reader, start=2):
            if len(fields) != 14:
                sys.exit(f"{source}:{lineno}: expected 14 fields, found {len(fields)}")
            values = [float(v) for v in fields[:13]]
            label = int(fields[13])
            if not 0 <= label <= 2 or any(v < 0 for v in values):
                sys.exit(f"{source}:{lineno}: value out of range")
            rows.append(fields[:13] + [str(label)])
    if len(rows) != 178:
        sys.exit(f"{source}: expected 178 samples, found {len(rows)}")
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    print(f"wrote {len(rows)} samples to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
