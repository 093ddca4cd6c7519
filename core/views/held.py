"""Figures held back from totals (`core.incidents.plausibility`) as the pages show them: the line
under the trends headline, the list it links to, and the article view's words for a held figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from core.i18n import catalogue as i18n
from core.incidents import plausibility
from core.incidents.plausibility import Held
from core.views import page_tables, review_text

ANCHOR = "held-back"  # the trends page's list of held figures (the headline line links to it)


def reasons_text(row: Mapping[str, Any], reasons: Iterable[str], lang: str = i18n.DEFAULT_LANG) -> str:
    """Why one figure is held back, with its numbers ("above 1,500, …; speaks of a whole war")."""
    return "; ".join(review_text.held_reason_text(row, k, lang) for k in reasons)


def headline_line(items: Sequence[Held], lang: str = i18n.DEFAULT_LANG) -> str | None:
    """One line under the headline total: how many figures wait for review and why, with a link to
    the list (Markdown); None when nothing is held back."""
    if not items:
        return None
    why = ", ".join(
        i18n.t("held.reason_count", lang, n=n, reason=i18n.t(f"held.reason.{k}", lang))
        for k, n in plausibility.reason_counts(items).items()
    )
    return i18n.t("held.headline", lang, n=len(items), reasons=why, anchor=ANCHOR)


def table(items: Sequence[Held], lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The held figures, largest first: count, status, group, why, date read, sentence, link."""
    rows = []
    for h in items:
        r = h.row
        rows.append({
            i18n.t("col.count", lang): review_text.count_text(r),
            i18n.t("col.status", lang): i18n.label("status", r.get("status"), lang),
            i18n.t("col.group", lang): i18n.label("group", r.get("group"), lang),
            i18n.t("held.col.why", lang): reasons_text(r, h.reasons, lang),
            i18n.t("col.date", lang): i18n.format_date(r.get("date") or h.set_aside_date, lang),
            i18n.t("col.sentence", lang): r.get("sentence"),
            i18n.t("col.outlet", lang): r.get("outlet") or r.get("title") or "",
            i18n.t("col.link", lang): page_tables.article_link(r["article_id"], r["id"]),
        })
    return pd.DataFrame(rows)


def article_holds(reviewed: Iterable[tuple[Any, Any]]) -> dict[str, tuple[str, ...]]:
    """An article's figures held back (figure id → reasons), from `reviewing.article_figures`."""
    out = {}
    for fig, state in reviewed:
        if state.rejected or state.status == "confirmed":
            continue
        row = fig.to_dict() if hasattr(fig, "to_dict") else dict(fig)
        reasons = plausibility.hold_reasons(row)
        if reasons:
            out[row["id"]] = reasons
    return out


def date_note(row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG) -> str | None:
    """Why a figure's date is unknown when one was read and set aside (the article view), or None."""
    aside = plausibility.set_aside_info(row)
    if row.get("date") or not aside.get("reason"):
        return None
    return i18n.t("held.date_note", lang, id=row.get("id"),
                  reason=review_text.held_reason_text(row, aside["reason"], lang))
