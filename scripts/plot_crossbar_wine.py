#!/usr/bin/env python3
"""Plots of a crossbar study (`spincim run netlists/nist_crossbar_wine.yaml -o OUT`), after seed 003
(Goodwill et al., Phys. Rev. Applied 18, 014039 (2022)):

  OUT/gnorm_<d>nm_<model>.png   box plots of accuracy and Delta_RMS vs g_norm over all solutions
                                (Figs. 5(a,b) and 6(a-d)), dashed lines at the two optima
  OUT/conductance_hist.png      on/off port-to-port conductance histograms of solution 0 (Fig. 4(c))
  OUT/conductance_map.png       conductance maps of solution 0 (Fig. 4(b))
  OUT/switching_voltage.png     write-verify switching-voltage maps and histogram (Fig. 2(d-e)),
                                when the study co-simulated write-verify
  OUT/write_accuracy.png        write accuracy and switching voltages vs diameter, beside the
                                seed's 100 % (30 nm) and 85 % (60 nm) (Sec. II.B)
  OUT/superposition.png         relative RMS deviation vs applied voltage (Fig. 7)

Needs python3-matplotlib and python3-numpy (Debian). Usage: scripts/plot_crossbar_wine.py OUT
"""
import csv
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def plot_gnorm(out):
    rows = read_csv(os.path.join(out, "gnorm_sweep.csv"))
    groups = defaultdict(lambda: defaultdict(lambda: ([], [])))
    for r in rows:
        key = (float(r["diameter_m"]), r["model"])
        acc, rms = groups[key][float(r["g_norm_s"])]
        acc.append(100 * float(r["accuracy"]))
        rms.append(float(r["rms_deviation"]))
    for (d, model), by_g in groups.items():
        g = sorted(by_g)
        acc = [by_g[x][0] for x in g]
        rms = [by_g[x][1] for x in g]
        med_acc = [np.median(a) for a in acc]
        med_rms = [np.median(r) for r in rms]
        g_acc = g[int(np.argmax(med_acc))]
        g_rms = g[int(np.argmin(med_rms))]
        fig, (a1, a2) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
        pos = [1e6 * x for x in g]
        width = 0.6 * (pos[1] - pos[0]) if len(pos) > 1 else 0.5
        a1.boxplot(acc, positions=pos, widths=width, whis=(0, 100), showfliers=False)
        a2.boxplot(rms, positions=pos, widths=width, whis=(0, 100), showfliers=False)
        for ax in (a1, a2):
            ax.axvline(1e6 * g_acc, ls="--", color="tab:red", label=f"max median accuracy {1e6 * g_acc:.2f} uS")
            ax.axvline(1e6 * g_rms, ls="--", color="tab:blue", label=f"min median RMS {1e6 * g_rms:.2f} uS")
        a1.set_ylabel("training accuracy (%)")
        a2.set_ylabel("RMS deviation (Eq. 4)")
        a2.set_xlabel("g_norm (uS)")
        ticks = pos[:: max(1, len(pos) // 10)]
        a2.set_xticks(ticks)
        a2.set_xticklabels([f"{t:.1f}" for t in ticks])
        a1.legend(loc="lower right")
        a1.set_title(f"{1e9 * d:.0f} nm, {model} model, {len(acc[0])} solutions")
        fig.tight_layout()
        fig.savefig(os.path.join(out, f"gnorm_{1e9 * d:.0f}nm_{model}.png"), dpi=120)
        plt.close(fig)


def plot_conductances(out):
    rows = read_csv(os.path.join(out, "conductance_map.csv"))
    groups = defaultdict(list)
    for r in rows:
        groups[(float(r["diameter_m"]), r["model"])].append(r)
    keys = sorted(groups)
    fig, axes = plt.subplots(1, len(keys), figsize=(3.2 * len(keys), 3), squeeze=False)
    fig2, axes2 = plt.subplots(1, len(keys), figsize=(3.2 * len(keys), 3), squeeze=False)
    for ax, ax2, key in zip(axes[0], axes2[0], keys):
        rs = groups[key]
        on = [1e6 * float(r["g_s"]) for r in rs if r["target_on"] == "1"]
        off = [1e6 * float(r["g_s"]) for r in rs if r["target_on"] == "0"]
        bins = np.linspace(min(on + off), max(on + off), 30)
        ax.hist(off, bins=bins, alpha=0.7, label="off")
        ax.hist(on, bins=bins, alpha=0.7, label="on")
        ax.set_xlabel("g at 0.2 V (uS)")
        ax.set_title(f"{1e9 * key[0]:.0f} nm {key[1]}")
        ax.legend()
        n_r = max(int(r["row"]) for r in rs) + 1
        n_c = max(int(r["col"]) for r in rs) + 1
        m = np.zeros((n_r, n_c))
        for r in rs:
            m[int(r["row"]), int(r["col"])] = 1e6 * float(r["g_s"])
        im = ax2.imshow(m, cmap="viridis")
        fig2.colorbar(im, ax=ax2, label="uS")
        ax2.set_title(f"{1e9 * key[0]:.0f} nm {key[1]}")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "conductance_hist.png"), dpi=120)
    fig2.tight_layout()
    fig2.savefig(os.path.join(out, "conductance_map.png"), dpi=120)
    plt.close(fig)
    plt.close(fig2)


def plot_switching(out):
    path = os.path.join(out, "write_verify.csv")
    if not os.path.exists(path):
        return
    rows = read_csv(path)
    groups = defaultdict(list)
    for r in rows:
        groups[float(r["diameter_m"])].append(r)
    keys = sorted(groups)
    fig, axes = plt.subplots(2, len(keys), figsize=(3.2 * len(keys), 6), squeeze=False)
    for k, d in enumerate(keys):
        rs = groups[d]
        n_r = max(int(r["row"]) for r in rs) + 1
        n_c = max(int(r["col"]) for r in rs) + 1
        m = np.full((n_r, n_c), np.nan)
        for r in rs:
            if r["characterised"] == "1":
                m[int(r["row"]), int(r["col"])] = float(r["v_switch_v"])
        im = axes[0][k].imshow(m, cmap="magma")
        fig.colorbar(im, ax=axes[0][k], label="V")
        axes[0][k].set_title(f"{1e9 * d:.0f} nm switching voltage")
        v = [float(r["v_switch_v"]) for r in rs if r["characterised"] == "1"]
        axes[1][k].hist(v, bins=12)
        axes[1][k].set_xlabel("V_apply (V)")
        # V_max = 2 x the smallest switching voltage (seed 003 Sec. II.B): devices right of it
        # cannot be written.
        if v:
            axes[1][k].axvline(2 * min(v), ls="--", color="red", label="V_max")
            axes[1][k].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "switching_voltage.png"), dpi=120)
    plt.close(fig)


def plot_write_accuracy(out):
    path = os.path.join(out, "write_accuracy.csv")
    if not os.path.exists(path):
        return
    rows = read_csv(path)
    if not rows:
        return
    d = [1e9 * float(r["diameter_m"]) for r in rows]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6))
    ax1.plot(d, [100 * float(r["write_accuracy"]) for r in rows], "o-", label="spincim")
    seed = [(x, 100 * float(r["seed003_write_accuracy"]))
            for x, r in zip(d, rows) if r["seed003_write_accuracy"]]
    if seed:
        ax1.plot(*zip(*seed), "s", color="black", label="seed 003 (Sec. II.B)")
    ax1.set_xlabel("MTJ diameter (nm)")
    ax1.set_ylabel("write accuracy (%)")
    ax1.legend(fontsize=7)
    for key, label in (("v_switch_min_v", "min"), ("v_switch_mean_v", "mean"),
                       ("v_switch_max_v", "max"), ("v_max_v", "V_max = 2 x min")):
        ax2.plot(d, [float(r[key]) for r in rows], "o-", label=label)
    ax2.set_xlabel("MTJ diameter (nm)")
    ax2.set_ylabel("effective switching voltage (V)")
    ax2.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "write_accuracy.png"), dpi=120)
    plt.close(fig)


def plot_superposition(out):
    path = os.path.join(out, "superposition.csv")
    rows = read_csv(path)
    if not rows:
        return
    groups = defaultdict(list)
    for r in rows:
        groups[(float(r["diameter_m"]), r["model"])].append(r)
    fig, ax = plt.subplots(figsize=(6, 4))
    for (d, model), rs in sorted(groups.items()):
        v = [float(r["v_apply_v"]) for r in rs]
        ax.plot(v, [100 * float(r["mean_relative_rms_deviation"]) for r in rs], "o-",
                label=f"{1e9 * d:.0f} nm {model}")
    ax.axhline(3, ls="--", color="grey")
    ax.set_xlabel("applied voltage (V)")
    ax.set_ylabel("relative RMS deviation (%), Eq. (B1)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "superposition.png"), dpi=120)
    plt.close(fig)


def main() -> int:
    if len(sys.argv) != 2:
        sys.exit("usage: plot_crossbar_wine.py OUTDIR")
    out = sys.argv[1]
    plot_gnorm(out)
    plot_conductances(out)
    plot_switching(out)
    plot_write_accuracy(out)
    plot_superposition(out)
    print(f"plots written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
