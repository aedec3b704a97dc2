"""The report's charts as PNG bytes: matplotlib's Agg canvas, no pyplot, rc settings
applied only while a chart renders.

Chinese labels need a CJK font: the Noto CJK file is registered when present, else another
installed CJK family is used; with none, titles fall back to English and missing glyphs are
drawn as boxes (never an error).
"""

from __future__ import annotations

import functools
import io
import warnings
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei",
    "PingFang SC", "Noto Sans CJK JP",
)
ERROR_COLOUR, WARNING_COLOUR = "#c0392b", "#e08e0b"
MAX_DEPARTMENTS = 15  # bars per chart; the busiest departments are kept
LABEL_CHARS = 18


@functools.cache
def cjk_family() -> str | None:
    """The first installed CJK font family, registering the Noto CJK file if needed."""
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    if CJK_FAMILIES[0] not in known and NOTO_CJK.exists():
        font_manager.fontManager.addfont(str(NOTO_CJK))
        known = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in known), None)


def _title(zh: str, en: str) -> str:
    return f"{zh} {en}" if cjk_family() else en


def _label(text: str) -> str:
    """A department name as a tick label: shortened, `$` kept literal (not mathtext)."""
    short = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
    return short.replace("$", r"\$")


def _render(height: float, draw: Callable[[Axes], None]) -> bytes:
    family = cjk_family()
    fonts = [family, "DejaVu Sans"] if family else ["DejaVu Sans"]
    with rc_context({"font.family": "sans-serif", "font.sans-serif": fonts, "font.size": 9,
                     "axes.unicode_minus": False}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure = Figure(figsize=(8, height), layout="constrained")
        draw(figure.add_subplot())
        buffer = io.BytesIO()
        FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def findings_chart(counts: Sequence[tuple[str, int, int]]) -> bytes | None:
    """Stacked bars of (department, errors, warnings); None when there is nothing to draw."""
    rows = sorted(counts, key=lambda c: (c[1], c[2]), reverse=True)[:MAX_DEPARTMENTS][::-1]
    if not rows:
        return None

    def draw(ax: Axes) -> None:
        positions = range(len(rows))  # not the labels: two may shorten alike
        errors = [e for _, e, _ in rows]
        ax.barh(positions, errors, color=ERROR_COLOUR, label=_title("错误", "errors"))
        ax.barh(positions, [w for _, _, w in rows], left=errors, color=WARNING_COLOUR,
                label=_title("警告", "warnings"))
        ax.set_yticks(positions, [_label(name) for name, _, _ in rows])
        ax.set_title(_title("各部门问题数", "Findings per department"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="lower right")

    return _render(1.4 + 0.32 * len(rows), draw)


def trend_chart(points: Sequence[tuple[str, int, int]]) -> bytes | None:
    """Errors and warnings over recent runs, (label, errors, warnings) oldest first."""
    if not points:
        return None

    def draw(ax: Axes) -> None:
        labels = [label for label, _, _ in points]
        ax.plot(labels, [e for _, e, _ in points], marker="o", color=ERROR_COLOUR,
                label=_title("错误", "errors"))
        ax.plot(labels, [w for _, _, w in points], marker="s", color=WARNING_COLOUR,
                label=_title("警告", "warnings"))
        ax.set_title(_title("近期运行的问题数", "Findings over recent runs"))
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(axis="x", labelrotation=30)
        ax.legend(loc="upper left")

    return _render(3.2, draw)


def expenditure_chart(rows: Sequence[tuple[str, int, Decimal]]) -> bytes | None:
    """Grouped bars of total expenditure in 万元: (department, year, amount), one bar a year."""
    years = sorted({year for _, year, _ in rows})[-5:]
    totals: dict[str, dict[int, float]] = {}
    for name, year, amount in rows:
        if year in years:
            totals.setdefault(name, {})[year] = float(amount)
    departments = sorted(totals, key=lambda d: max(totals[d].values()), reverse=True)
    departments = departments[:MAX_DEPARTMENTS]
    if not departments:
        return None

    def draw(ax: Axes) -> None:
        width = 0.8 / len(years)
        for i, year in enumerate(years):
            positions = [d + (i - (len(years) - 1) / 2) * width for d in range(len(departments))]
            heights = [totals[name].get(year, 0.0) for name in departments]
            ax.bar(positions, heights, width, label=str(year))
        ax.set_xticks(range(len(departments)), [_label(d) for d in departments],
                      rotation=30, ha="right")
        ax.set_title(_title("各部门支出总计（按年度）", "Total expenditure by year"))
        ax.set_ylabel(_title("万元", "10k yuan"))
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.legend(title=_title("年度", "year"))

    return _render(3.6, draw)
