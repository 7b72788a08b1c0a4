"""The report's figures as PNG files: the confusion matrix and the reliability diagram.

Figures are drawn on matplotlib's Agg canvas directly, never through pyplot: no display is
needed (servers, CI) and no global figure state is left behind in the calling process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from training.metrics import row_normalised

DPI = 120


def plot_confusion_matrix(matrix: Sequence[Sequence[int]], labels: Sequence[str], path: str | Path) -> Path:
    """Counts and row-normalised fractions side by side: the counts say how much, the fractions
    say what share of each gold label goes where, whatever the label's support."""
    fig = Figure(figsize=(11, 4.6), layout="constrained")
    counts_ax, share_ax = fig.subplots(1, 2)
    _heatmap(counts_ax, np.asarray(matrix, dtype=float), labels, "{:.0f}", "Counts")
    _heatmap(share_ax, row_normalised(matrix), labels, "{:.0%}", "Share of each gold label (rows sum to 100%)", vmax=1.0)
    fig.suptitle("Confusion matrix (rows: gold, columns: predicted)", fontsize=13)
    return _save(fig, path)


def plot_reliability_diagram(reliability: Sequence[dict[str, Any]], ece: float, path: str | Path) -> Path:
    """Accuracy against confidence per bin; bars below the diagonal mean overconfidence."""
    fig = Figure(figsize=(6, 5.5), layout="constrained")
    ax = fig.subplots()
    filled = [b for b in reliability if b["count"]]
    centres = [(b["low"] + b["high"]) / 2 for b in filled]
    width = 0.95 * (reliability[0]["high"] - reliability[0]["low"]) if reliability else 0.1
    accuracy = [b["accuracy"] for b in filled]
    gap = [b["confidence"] - b["accuracy"] for b in filled]
    ax.bar(centres, accuracy, width=width, color="tab:blue", alpha=0.8, label="accuracy")
    ax.bar(centres, gap, bottom=accuracy, width=width, color="tab:red", alpha=0.3, edgecolor="tab:red",
           hatch="//", label="gap to mean confidence")
    for x, b in zip(centres, filled):
        ax.annotate(f"n={b['count']}", (x, max(b["accuracy"], b["confidence"])),
                    textcoords="offset points", xytext=(0, 3), ha="center", fontsize=7)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    ax.set(xlim=(0, 1), ylim=(0, 1.08), xlabel="confidence (probability of the predicted label)",
           ylabel="accuracy", title=f"Reliability diagram (ECE {ece:.3f}, {len(reliability)} bins)")
    ax.legend(loc="upper left")
    return _save(fig, path)


def _heatmap(ax, values: np.ndarray, labels: Sequence[str], fmt: str, title: str, vmax: float | None = None) -> None:
    top = vmax if vmax is not None else max(float(values.max(initial=0.0)), 1.0)
    ax.imshow(values, cmap="Blues", vmin=0.0, vmax=top)
    for (row, col), value in np.ndenumerate(values):
        # White on dark cells, black on light ones, so every number stays legible.
        ax.text(col, row, fmt.format(value), ha="center", va="center", fontsize=11,
                color="white" if value > top / 2 else "black")
    ticks = range(len(labels))
    ax.set_xticks(ticks, labels=labels)
    ax.set_yticks(ticks, labels=labels)
    ax.set(xlabel="predicted", ylabel="gold", title=title)


def _save(fig: Figure, path: str | Path) -> Path:
    path = Path(path)
    FigureCanvasAgg(fig)  # attaches the Agg canvas to the figure: rendering needs no display
    fig.savefig(path, dpi=DPI)
    return path
