#!/usr/bin/env python3
"""bench_chart.py: draws the chart of `make bench` from build/bench.json:
one panel per configuration, per cell a bar for our kernel beside one for
Linux (median over the rounds, whiskers min..max), on a log scale since
the cells have different units, and the ratio ours/Linux at the right.
Usage: bench_chart.py build/bench.json build/bench.svg (or .png)"""
import json
import sys


def chart(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    kernels = results["kernels"]
    cfgs = list(results["configs"])
    names = []
    for cfg in cfgs:
        names += [n for n in results["configs"][cfg]["cells"] if n not in names]
    fig, axes = plt.subplots(1, len(cfgs), figsize=(7 * len(cfgs), 0.42 * len(names) + 1.5),
                             squeeze=False)
    colors = {"ours": "#d95f02", "linux": "#1b9e77"}
    h = 0.8 / len(kernels)
    for ax, cfg in zip(axes[0], cfgs):
        cells = results["configs"][cfg]["cells"]
        for i, k in enumerate(kernels):
            ys, ws, lo, hi = [], [], [], []
            for j, n in enumerate(names):
                s = cells.get(n, {}).get(k)
                if s:
                    ys.append(j + (i - (len(kernels) - 1) / 2) * h)
                    ws.append(s["median"])
                    lo.append(s["median"] - s["min"])
                    hi.append(s["max"] - s["median"])
            ax.barh(ys, ws, height=h, xerr=[lo, hi], color=colors.get(k), label=k,
                    error_kw={"elinewidth": 0.8, "capsize": 2})
        ax.set_xscale("log")
        ax.set_yticks(range(len(names)))
        ax.set_yticklabels(["%s (%s)" % (n, cells[n]["unit"]) if n in cells else n
                            for n in names], fontsize=8)
        ax.invert_yaxis()
        for j, n in enumerate(names):
            if "ratio" in cells.get(n, {}):
                ax.annotate("%.2f" % cells[n]["ratio"], xy=(1.0, j),
                            xycoords=("axes fraction", "data"), xytext=(4, 0),
                            textcoords="offset points", va="center", fontsize=8)
        ax.set_title("%s (right: ours/linux)" % results["configs"][cfg]["qemu"], fontsize=10)
        ax.set_xlabel("median over %d round(s), log scale; bigger is better" % results["rounds"],
                      fontsize=8)
        ax.legend(fontsize=8, loc="lower right")
        ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.splitlines()[-1])
    with open(sys.argv[1]) as f:
        results = json.load(f)
    try:
        chart(results, sys.argv[2])
    except ImportError:
        print("bench_chart: no matplotlib (scripts/deps.sh bench installs python3-matplotlib)")
        return 1
    print("wrote %s" % sys.argv[2])
    return 0


sys.exit(main())
