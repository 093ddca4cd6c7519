"""Charts in the interface language: Plotly figures with right-to-left isolates, a font with
Arabic glyphs, the locale's digits and month names (see `core.i18n.catalogue`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from core.i18n.catalogue import (
    ARABIC_CHART_FONT,
    DEFAULT_LANG,
    PDI,
    RLI,
    _is_number,
    digits,
    format_number,
    is_rtl,
    locale,
    month_name,
    t,
)


# ---- charts -------------------------------------------------------------------------------------
def isolate(text: Any, lang: str = DEFAULT_LANG) -> Any:
    """`text` for a context without paragraph direction (SVG, canvas): in a right-to-left
    language each line (``<br>``-separated, as Plotly writes them) is wrapped in a
    right-to-left isolate. Other languages and non-texts come back unchanged."""
    if not isinstance(text, str) or not text or not is_rtl(lang):
        return text
    return "<br>".join(line if not line or line.startswith(RLI) else f"{RLI}{line}{PDI}" for line in text.split("<br>"))


def chart_config(lang: str = DEFAULT_LANG, config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Plotly's ``config`` for a chart in `lang`: the locale's month and day names (date axes and
    their hover labels use them, also when zoomed), and the mode bar's tooltips.

    Pass it to ``st.plotly_chart(..., config=...)``; `config` is merged in."""
    out = dict(config or {})
    loc = locale(lang)
    if loc.lang == DEFAULT_LANG and not loc.variant:
        return out
    months = [month_name(m, lang) for m in range(1, 13)]
    days = [t(f"weekday.{d}", lang) for d in range(7)]
    name = loc.tag
    out["locale"] = name
    out["locales"] = {name: {
        "dictionary": {k: t(f"plotly.{k}", lang) for k in PLOTLY_DICTIONARY},
        "format": {
            "months": months, "shortMonths": months, "days": days, "shortDays": days,
            "decimal": "٫" if loc.eastern_digits else ".", "thousands": "٬" if loc.eastern_digits else ",",
        },
    }}
    return out


# Plotly's own interface strings (mode bar), translated in the catalogue as ``plotly.<English>``.
PLOTLY_DICTIONARY = (
    "Download plot as a png", "Zoom", "Pan", "Box Select", "Lasso Select", "Zoom in", "Zoom out",
    "Autoscale", "Reset axes", "Toggle Spike Lines", "Show closest data on hover",
    "Compare data on hover", "Double-click to zoom back out", "Click to enter Colorscale title",
)


def _nice_step(span: float, target: int) -> float:
    raw = span / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 5, 10):  # people are counted in whole numbers: no 2.5 steps
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def number_ticks(top: float, lang: str = DEFAULT_LANG, target: int = 6) -> tuple[list[float], list[str]]:
    """Tick values from 0 to at least `top`, about `target` of them, labelled in the locale's digits."""
    top = float(top) if top and top > 0 else 1.0
    step = _nice_step(top, target)
    if step < 1:
        step = 1.0
    vals = [i * step for i in range(int(math.ceil(top / step - 1e-9)) + 1)]
    return vals, [format_number(v, lang) for v in vals]


def date_ticks(first: Any, last: Any, lang: str = DEFAULT_LANG, target: int = 8) -> tuple[list[str], list[str]]:
    """Tick positions (ISO dates) and labels between two dates, about `target` of them: Mondays
    for a few weeks, first days of months for longer spans, years beyond. The year is written
    under the first tick and wherever it changes. Labels use the locale's months and digits."""
    import datetime as dt

    import pandas as pd

    a, b = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    if b < a:
        a, b = b, a
    days = (b - a).days
    if days <= 7 * target * 4:
        step = max(1, math.ceil(days / 7 / target))
        start = a - pd.Timedelta(days=a.day_of_week)
        stamps = list(pd.date_range(start, b + pd.Timedelta(days=7), freq=f"{7 * step}D"))
        fmt = "day"
    elif days <= 366 * target // 2:
        months = max(1, math.ceil(days / 30.5 / target))
        months = next(m for m in (1, 2, 3, 4, 6, 12) if m >= months)
        start = pd.Timestamp(a.year, a.month, 1)
        stamps = list(pd.date_range(start, b + pd.Timedelta(days=31), freq=f"{months}MS"))
        fmt = "month"
    else:
        years = max(1, math.ceil(days / 365.25 / target))
        stamps = list(pd.date_range(pd.Timestamp(a.year, 1, 1), b + pd.Timedelta(days=366), freq=f"{years}YS"))
        fmt = "year"
    vals, texts, year = [], [], None
    for s in stamps:
        d = dt.date(s.year, s.month, s.day)
        if fmt == "year":
            text = digits(str(d.year), lang)
        else:
            text = month_name(d.month, lang) if fmt == "month" else t("date.day_month", lang, day=d.day,
                                                                       month=month_name(d.month, lang))
            text = isolate(text, lang)
            if d.year != year:
                text += "<br>" + digits(str(d.year), lang)
        year = d.year
        vals.append(d.isoformat())
        texts.append(text)
    return vals, texts


_PLACEHOLDER = re.compile(r"%\{(y|x|text|customdata\[(\d+)\])(?::[^}]*)?\}")


def _east(v: Any, lang: str) -> Any:
    if _is_number(v):
        return format_number(v, lang)
    if isinstance(v, str):
        return digits(v, lang)
    return v


def _rtl_texts(fig: Any, lang: str) -> None:
    lay = fig.layout
    if lay.title and lay.title.text:
        lay.title.text = isolate(lay.title.text, lang)
    for name in ("xaxis", "yaxis", "xaxis2", "yaxis2"):
        axis = getattr(lay, name, None)
        if axis is not None and axis.title and axis.title.text:
            axis.title.text = isolate(axis.title.text, lang)
    for tr in fig.data:
        if getattr(tr, "name", None):
            tr.name = isolate(tr.name, lang)
        if getattr(tr, "hovertemplate", None):
            tr.hovertemplate = _isolate_template(tr.hovertemplate, lang)
        text = getattr(tr, "text", None)
        if isinstance(text, str):
            tr.text = isolate(text, lang)
        elif text is not None:
            tr.text = [isolate(x, lang) for x in text]


def _isolate_template(template: str, lang: str) -> str:
    body, sep, extra = template.partition("<extra>")
    return isolate(body, lang) + sep + extra


def _axis_top(fig: Any, yref: str) -> float:
    """The highest value drawn on a y axis: stacked bars add up per x, error bars reach above."""
    stacked = fig.layout.barmode in ("stack", "relative")
    per_x: dict[Any, float] = {}
    top = 0.0
    for tr in fig.data:
        if (getattr(tr, "yaxis", None) or "y") != yref or tr.y is None:
            continue
        ys = [float(v) for v in tr.y if v is not None and v == v]
        if not ys:
            continue
        if tr.type == "bar" and stacked:
            for x, y in zip(tr.x, tr.y, strict=False):
                per_x[x] = per_x.get(x, 0.0) + (float(y) if y is not None and y == y else 0.0)
            continue
        err = getattr(tr, "error_y", None)
        above = list(err.array) if err is not None and err.array is not None else [0.0] * len(ys)
        top = max(top, *(y + float(e or 0) for y, e in zip(ys, above, strict=False)))
    return max([top, *per_x.values()] or [0.0])


def _eastern_numbers(fig: Any, lang: str) -> None:
    """Axis ticks, hover values and text labels in Eastern digits (Plotly only writes Western)."""
    lay = fig.layout
    xs = [x for tr in fig.data if tr.x is not None for x in tr.x if x is not None]
    if xs and lay.xaxis.type == "date":
        vals, texts = date_ticks(min(xs), max(xs), lang)
        lay.xaxis.tickvals, lay.xaxis.ticktext = vals, texts
    for name, ref in (("yaxis", "y"), ("yaxis2", "y2")):
        axis = getattr(lay, name, None)
        if axis is None or (ref == "y2" and not any((getattr(tr, "yaxis", None) or "y") == "y2" for tr in fig.data)):
            continue
        top = axis.range[1] if axis.range else _axis_top(fig, ref) * 1.05
        ticks = list(zip(*number_ticks(top, lang), strict=True))
        if axis.range:
            ticks = [(v, s) for v, s in ticks if v <= top]
        axis.tickvals, axis.ticktext = [v for v, _ in ticks], [s for _, s in ticks]
    for tr in fig.data:
        template = getattr(tr, "hovertemplate", None)
        if template and _PLACEHOLDER.search(template):
            cd = [list(row) for row in tr.customdata] if tr.customdata is not None else [[] for _ in (tr.y or ())]
            width = max((len(row) for row in cd), default=0)
            ys = list(tr.y) if tr.y is not None else [None] * len(cd)
            txt = list(tr.text) if isinstance(tr.text, (list, tuple)) else [tr.text] * len(cd)
            rows = []
            for i, row in enumerate(cd):
                row = row + [None] * (width - len(row))
                rows.append(row + [_east(v, lang) for v in row]
                            + [_east(ys[i] if i < len(ys) else None, lang), _east(txt[i] if i < len(txt) else None, lang)])

            def sub(m: re.Match[str], width: int = width) -> str:
                what, index = m.group(1), m.group(2)
                if index is not None:
                    return f"%{{customdata[{width + int(index)}]}}"
                if what == "y":
                    return f"%{{customdata[{2 * width}]}}"
                if what == "text":
                    return f"%{{customdata[{2 * width + 1}]}}"
                return m.group(0)

            tr.customdata = rows
            tr.hovertemplate = _PLACEHOLDER.sub(sub, template)
        text = getattr(tr, "text", None)
        if isinstance(text, str):
            tr.text = digits(text, lang)
        elif text is not None:
            tr.text = [digits(x, lang) if isinstance(x, str) else x for x in text]


def localize_chart(fig: Any, lang: str = DEFAULT_LANG) -> Any:
    """A Plotly figure made readable in `lang` (changed in place and returned).

    Right-to-left languages: a font with Arabic glyphs, every title, axis title, legend entry,
    hover text and text label isolated right-to-left (each line), hover labels aligned right,
    the legend on the right. Eastern digits: tick labels, hover numbers and labels rewritten
    (``customdata`` keeps its original columns first, so click handlers still read them).
    English figures come back unchanged."""
    loc = locale(lang)
    if is_rtl(lang):
        fig.update_layout(
            font={"family": ARABIC_CHART_FONT},
            hoverlabel={"align": "right", "font": {"family": ARABIC_CHART_FONT}},
        )
        if fig.layout.legend and fig.layout.legend.orientation == "h":
            fig.update_layout(legend={"x": 1, "xanchor": "right"})
    if loc.eastern_digits:
        _eastern_numbers(fig, lang)
    if is_rtl(lang):
        _rtl_texts(fig, lang)
    return fig
