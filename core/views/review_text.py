"""What the review page and the article view show of a review: a figure's history in plain words,
queue labels, the values table and the highlighted context. The rules are in
`core.incidents.reviews`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from core.extraction import gazetteer
from core.extraction.dates import as_date as _as_date
from core.i18n import catalogue as i18n
from core.incidents import plausibility
from core.incidents.reviews import FIELDS, Attached, Item, _order, _stored, figure_span_key, review_span_key
from core.views import article_view, trends


# ---- history in plain words ----------------------------------------------------------------------
def count_text(row: Mapping[str, Any]) -> str:
    """"27", "30–35" or, without a number, the words as written («عشرات»)."""
    best, lo, hi = row.get("best"), row.get("min"), row.get("max")
    if best is None:
        return str(row.get("number_text") or "?")
    lo = best if lo is None else lo
    hi = best if hi is None else hi
    return f"{best}" if lo == hi == best else f"{best} ({lo}–{hi})"


def value_text(field: str, value: Any, lang: str = i18n.DEFAULT_LANG) -> str:
    """A field's value as a journalist reads it (labels for keys, place names for gazetteer ids)."""
    if value is None or str(value) == "":
        return i18n.t("common.not_stated", lang)
    if field in ("status", "group", "kind", "perpetrator", "source"):
        return i18n.label(field, str(value), lang)
    if field == "place_id":
        p = gazetteer.get_place(str(value))
        if p is not None:
            return (p.name_ar if lang == "ar" else p.name_en) or p.name_en or p.name_ar or p.id
    return str(value)


def _field_label(field: str | None, lang: str) -> str:
    return i18n.t(f"review.field.{field}", lang) if field in FIELDS else str(field)


def history(figure_row: Mapping[str, Any], reviews: Sequence[Mapping[str, Any] | Attached],
            lang: str = i18n.DEFAULT_LANG) -> list[str]:
    """What happened to a figure, in plain words and in order: "extracted 27 civilians killed on
    22 Aug 2017 (extractor 1.0.0)", "corrected best count from 27 to 25 by Lina on 3 Jan 2026", ...

    `figure_row` is the figure as extracted (with ``added_at`` if known); `reviews` are its own
    reviews, as `resolve`/`attach` attached them or as plain review rows (a row made on another
    span or number is shown as moved)."""
    n = count_text(figure_row)
    values = {
        "n": n,
        "group": i18n.label("group", figure_row.get("group"), lang, count=n),
        "status": i18n.label("status", figure_row.get("status"), lang, count=n),
        "version": figure_row.get("extractor_version") or "?",
    }
    added = _as_date(figure_row.get("added_at"))
    lines = [
        i18n.t("review.history.extracted", lang, date=trends.short_date(added, lang), **values) if added
        else i18n.t("review.history.extracted_undated", lang, **values)
    ]
    items = [a if isinstance(a, Attached) else Attached(a, _moved_from(figure_row, a)) for a in reviews]
    batch: list[Attached] = []
    for a in sorted(items, key=lambda a: _order(a.review)):
        if batch and _same_batch(batch[-1], a):
            batch.append(a)
            continue
        if batch:
            lines.append(_history_line(batch, lang))
        batch = [a]
    if batch:
        lines.append(_history_line(batch, lang))
    return lines


def _moved_from(row: Mapping[str, Any], review: Mapping[str, Any]) -> bool:
    try:
        return review_span_key(review) != figure_span_key(row)
    except (KeyError, TypeError, ValueError):
        return False


def _same_batch(a: Attached, b: Attached) -> bool:
    """Corrections of several fields saved together read as one line."""
    ra, rb = a.review, b.review
    return ra.get("action") == rb.get("action") == "correct" and a.moved == b.moved and all(
        ra.get(k) == rb.get(k) for k in ("created_at", "reviewer", "note", "figure_start", "figure_end", "number_text")
    )


def _history_line(batch: Sequence[Attached], lang: str) -> str:
    a = batch[0]
    r = a.review
    action = r.get("action")
    who = r.get("reviewer") or "?"
    if r.get("account"):  # signed in (issue 20): the provider's account, not a typed name
        who = i18n.t("review.history.who_signed_in", lang, name=who, account=r["account"])
    common = {"who": who, "date": trends.short_date(_as_date(r.get("created_at")), lang)}
    if action == "correct":
        changes = []
        for b in batch:
            field = b.review.get("field")
            label = _field_label(field, lang)
            changes.append(i18n.t(
                "review.history.change", lang, field=label[:1].lower() + label[1:],
                old=value_text(field, b.review.get("old_value"), lang),
                new=value_text(field, b.review.get("new_value"), lang),
            ))
        text = i18n.t("review.history.correct", lang, changes=i18n.t("review.history.join", lang).join(changes),
                      **common)
    elif action in ("confirm", "reject", "restore", "note"):
        text = i18n.t(f"review.history.{action}", lang, **common)
    else:
        text = i18n.t("review.history.other", lang, action=action, **common)
    if r.get("note"):
        text += i18n.t("review.history.with_note", lang, note=r["note"])
    if a.moved:
        text += i18n.t(
            "review.history.moved", lang, number=r.get("number_text") or "", start=r.get("figure_start"),
            end=r.get("figure_end"),
        )
    return text


# ---- what the page shows -------------------------------------------------------------------------
def item_label(item: Item, lang: str = i18n.DEFAULT_LANG) -> str:
    """One line per figure in the picker: count, group, status, date, outlet, state."""
    r = item.row
    parts = [
        f"{count_text(r)} {i18n.label('group', r.get('group'), lang)} {i18n.label('status', r.get('status'), lang)}",
        r.get("date") or i18n.t("common.date_unknown", lang),
        str(r.get("outlet") or r.get("title") or r.get("article_id"))[:40],
        i18n.t(f"review.state.{item.state.status}", lang),
    ]
    if item.reasons:
        parts.append(", ".join(reason_label(k, lang) for k in item.reasons))
    return " · ".join(parts)


def reason_label(key: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """A review reason in a few words; the reasons a figure is held back from totals are the
    trends page's (``held.reason.*``)."""
    return i18n.t(f"held.reason.{key}" if key in plausibility.REASONS else f"review.reason.{key}", lang)


def reasons_text(item: Item, lang: str = i18n.DEFAULT_LANG) -> str | None:
    """Why this figure is shown first, in a sentence (None when nothing stands out)."""
    if not item.reasons:
        return None
    words = []
    for k in item.reasons:
        if k == "conflict":
            words.append(i18n.t("review.reason.conflict_with", lang, counts=", ".join(map(str, item.conflicts))))
        elif k == "low_confidence":
            words.append(i18n.t("review.reason.low_confidence_value", lang,
                                confidence=f"{float(item.row.get('confidence') or 0):.2f}"))
        elif k in plausibility.REASONS:
            words.append(i18n.t("held.review_reason", lang, reason=held_reason_text(item.row, k, lang)))
        else:
            words.append(i18n.t(f"review.reason.{k}", lang))
    return i18n.t("review.reasons", lang, reasons="; ".join(words))


def held_reason_text(row: Mapping[str, Any], key: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """One reason a figure is held back, with its numbers: the bound for its status, the date that
    was set aside."""
    if key == plausibility.SIZE_REASON:
        return i18n.t("held.reason_detail.over_bound", lang, bound=i18n.format_number(
            plausibility.bound(str(row.get("status"))), lang))
    if key in plausibility.DATE_REASONS:
        aside = plausibility.set_aside_info(row)
        if aside.get("date"):
            return i18n.t(f"held.reason_detail.{key}", lang, date=trends.short_date(aside["date"], lang),
                          published=trends.short_date(aside.get("published"), lang) if aside.get("published") else "")
    return i18n.t(f"held.reason.{key}", lang)


def values_table(item: Item, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """Each correctable field: as extracted and now (after the reviews)."""
    rows = []
    for f in FIELDS:
        before, now = item.extracted.get(f), item.row.get(f)
        rows.append({
            i18n.t("review.col.field", lang): _field_label(f, lang),
            i18n.t("review.col.extracted", lang): value_text(f, before, lang),
            i18n.t("review.col.now", lang): value_text(f, now, lang) + (" ✎" if _stored(before) != _stored(now) else ""),
        })
    return pd.DataFrame(rows)


def context_html(text: str, row: Mapping[str, Any], lang: str | None = "ar", around: int = 240) -> str:
    """The figure's sentence with some text around it, the number and the sentence highlighted
    (every character of the article escaped, as in the article view)."""
    s0 = int(row.get("sentence_start") or 0)
    s1 = s0 + len(row.get("sentence") or "")
    a = max(0, s0 - around)
    b = min(len(text), max(s1, int(row["end"])) + around)
    if a > 0:
        cut = text.find(" ", a, s0)
        a = cut + 1 if cut >= 0 else a
    if b < len(text):
        cut = text.rfind(" ", s1, b)
        b = cut if cut > 0 else b
    head, tail = ("… " if a > 0 else ""), (" …" if b < len(text) else "")
    shift = len(head) - a
    excerpt = head + text[a:b] + tail
    marks = [article_view.Mark(int(row["start"]) + shift, int(row["end"]) + shift, str(row["id"]), "", True, False,
                         ("fig",))]
    if row.get("sentence"):
        marks.append(article_view.Mark(s0 + shift, s1 + shift, str(row["id"]), "", True, True))
    return article_view.article_html(excerpt, marks, lang)


def figure_changes(figures: Sequence[tuple[Any, Any]], lang: str = i18n.DEFAULT_LANG) -> list[tuple[str, list[str]]]:
    """Who changed each figure of an article (issue 20): for every reviewed figure, its label
    ("25 civilians killed") and its history without the extraction line, from the stored reviews.
    `figures` are (`Figure`, `State`) pairs as `core.incidents.reviewing.article_figures` gives them."""
    out = []
    for figure, state in figures:
        if not state.reviews:
            continue
        row = figure.to_dict()
        n = count_text(row)
        label = i18n.t("review.figure_title", lang, n=n, group=i18n.label("group", row.get("group"), lang, count=n),
                       status=i18n.label("status", row.get("status"), lang, count=n))
        out.append((label, history(row, state.reviews, lang)[1:]))
    return out
