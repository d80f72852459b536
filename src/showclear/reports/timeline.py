"""The custody timeline figure: one row per weapon, a band per holder, marks for what happened.

Storage is drawn as a grey hatched band, each person in a colour of their own (the
legend names them), so "who held it when" reads at a glance. Drawn with
matplotlib's object API (no pyplot, no global state), as PNG for the PDF and SVG
for the HTML.

Every string drawn is plain text: names, labels and titles come from the ledger, which
is append-only, so a name such as ``$\\foo$`` must print as typed, never be read as
mathtext or TeX (that would fail the report for good). Long labels are shortened in the
figure only; the tables give them in full.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta

from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Patch
from matplotlib.text import Text

from showclear.reports.document import Figure

__all__ = ["Band", "Mark", "Timeline", "draw"]

_STORAGE = "#d9d9d9"
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)
_MARKS = {
    "fired": ("*", "#d62728", "fired"),
    "misfire": ("X", "#d62728", "misfire"),
    "refused": ("v", "#000000", "refused attempt"),
    "incident": ("D", "#d62728", "incident opened"),
}


@dataclass(frozen=True)
class Band:
    """One stretch of custody: a weapon in storage or with one person."""

    weapon: str
    start: datetime
    end: datetime
    person: str | None  # None: in storage
    label: str  # the person's name, or the storage's id


@dataclass(frozen=True)
class Mark:
    weapon: str
    at: datetime
    kind: str  # a key of _MARKS


@dataclass(frozen=True)
class Timeline:
    start: datetime
    end: datetime
    weapons: list[tuple[str, str]]  # (id, label) top to bottom
    bands: list[Band]
    marks: list[Mark]
    title: str


#: Characters of a weapon's or a person's label the figure shows; the tables show all of it.
_LABEL_CHARS = 48


def _short(label: str) -> str:
    """A label cut to fit beside the figure, on one line."""
    flat = " ".join(label.split())
    return flat if len(flat) <= _LABEL_CHARS else flat[: _LABEL_CHARS - 1] + "…"


def _plain(fig: MplFigure) -> None:
    """Every text of the figure as plain text: no mathtext, no TeX (see the module docstring)."""
    for text in fig.findobj(Text):
        assert isinstance(text, Text)
        text.set_usetex(False)
        text.set_parse_math(False)


def _hours(moment: datetime, origin: datetime) -> float:
    return (moment - origin).total_seconds() / 3600


def _ticks(start: datetime, end: datetime) -> tuple[list[float], list[str]]:
    """Ticks on round times (every 15 min to 4 h, at most ~10), labelled HH:MM."""
    span = (end - start).total_seconds() / 60
    step = next((m for m in (15, 30, 60, 120, 240) if span / m <= 10), 480)
    first = start.replace(minute=0, second=0, microsecond=0)
    ticks, labels = [], []
    moment = first
    while moment <= end:
        if moment >= start:
            ticks.append(_hours(moment, start))
            labels.append(moment.strftime("%H:%M"))
        moment += timedelta(minutes=step)
    return ticks, labels


def draw(timeline: Timeline) -> Figure:
    """The figure of ``timeline``, as PNG and SVG; every text in it is plain text."""
    # Ticks matplotlib makes at draw time take their text settings from rcParams, not
    # from the labels set on the axes: plain text for them too.
    with rc_context({"text.usetex": False, "text.parse_math": False}):
        return _draw(timeline)


def _draw(timeline: Timeline) -> Figure:
    rows = len(timeline.weapons) or 1
    origin, end = timeline.start, _end(timeline)
    row_of = {weapon: i for i, (weapon, _) in enumerate(timeline.weapons)}
    people = sorted({(b.person, b.label) for b in timeline.bands if b.person is not None})
    colour = {person: _PALETTE[i % len(_PALETTE)] for i, (person, _) in enumerate(people)}
    used = [k for k in _MARKS if any(m.kind == k for m in timeline.marks)]
    legend_rows = -(-(1 + len(people) + len(used)) // 4)
    # Inches: title, one band row per weapon, the time axis, then the legend below.
    plot_h, top_h, axis_h, legend_h = 0.42 * rows + 0.3, 0.35, 0.36, 0.2 * legend_rows + 0.1
    width, height = 7.2, top_h + plot_h + axis_h + legend_h
    fig = MplFigure(figsize=(width, height))
    FigureCanvasAgg(fig)
    fig.subplots_adjust(
        left=0.34,
        right=0.98,
        top=1 - top_h / height,
        bottom=(axis_h + legend_h) / height,
    )
    ax = fig.add_subplot()
    # A hold of a minute in a day-long figure would vanish: draw it at least 0.4% wide.
    least = _hours(end, origin) / 250
    for band in timeline.bands:
        y = rows - 1 - row_of[band.weapon]
        start = _hours(band.start, origin)
        span = max(_hours(band.end, origin) - start, least)
        if band.person is None:
            ax.broken_barh(
                [(start, span)],
                (y - 0.16, 0.32),
                facecolors=_STORAGE,
                edgecolor="#bbbbbb",
                hatch="///",
                linewidth=0.3,
            )
        else:
            ax.broken_barh(
                [(start, span)],
                (y - 0.3, 0.6),
                facecolors=colour[band.person],
                edgecolor="white",
                linewidth=0.4,
            )
    for mark in timeline.marks:
        shape, tint, _ = _MARKS[mark.kind]
        if mark.kind == "incident":
            # A line through the row, so a shot at the same moment stays visible above it.
            y = rows - 1 - row_of[mark.weapon]
            x = _hours(mark.at, origin)
            ax.plot([x, x], [y - 0.4, y + 0.3], color=tint, linewidth=1.2, linestyle="--", zorder=4)
            ax.plot(x, y - 0.4, marker=shape, color=tint, markersize=5, linestyle="none", zorder=5)
            continue
        ax.plot(
            _hours(mark.at, origin),
            rows - 1 - row_of[mark.weapon] + 0.42,
            marker=shape,
            color=tint,
            markersize=6,
            markeredgecolor="white",
            markeredgewidth=0.4,
            linestyle="none",
            zorder=5,
        )
    ax.set_yticks(range(rows))
    ax.set_yticklabels(
        [_short(label) for _, label in reversed(timeline.weapons)] or [""], fontsize=7.5
    )
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.6, rows - 0.25)
    ax.set_xlim(0, _hours(end, origin))
    ticks, labels = _ticks(origin, end)
    ax.set_xticks(ticks, labels)
    ax.tick_params(axis="x", labelsize=7.5)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(
        _short(timeline.title) if len(timeline.title) > 120 else timeline.title,
        fontsize=9,
        loc="left",
    )
    handles: list[Artist] = [
        Patch(facecolor=_STORAGE, edgecolor="#bbbbbb", hatch="///", label="in storage")
    ]
    handles += [Patch(facecolor=colour[p], label=_short(label)) for p, label in people]
    handles += [
        ax.plot(
            [], [], marker=_MARKS[k][0], color=_MARKS[k][1], linestyle="none", label=_MARKS[k][2]
        )[0]
        for k in used
    ]
    fig.legend(
        handles=handles,
        fontsize=7,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.02),
        ncol=4,
        frameon=False,
    )
    _plain(fig)
    png, svg = io.BytesIO(), io.StringIO()
    with warnings.catch_warnings():
        # A character DejaVu Sans lacks (a script it does not cover) is drawn as a box;
        # matplotlib warns for each, which says nothing the reader does not see.
        warnings.filterwarnings("ignore", "Glyph .* missing from", UserWarning)
        warnings.filterwarnings("ignore", "Matplotlib currently does not support", UserWarning)
        fig.savefig(png, format="png", dpi=200)
        fig.savefig(svg, format="svg", metadata={"Date": None})
    return Figure(png.getvalue(), svg.getvalue(), width, height, timeline.title)


def _end(timeline: Timeline) -> datetime:
    # A period of a few seconds would draw as nothing; show at least ten minutes.
    return max(timeline.end, timeline.start + timedelta(minutes=10))
