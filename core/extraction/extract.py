"""Casualty figures from an article's text: `extract` runs the extractor's rules, step by step.

    >>> figs = extract("قتل 27 مدنيا بينهم سبعة أطفال في قصف للتحالف الدولي على حارة البدو.")
    >>> [(f.best, f.group, f.status, f.part_of) for f in figs]
    [(27, 'civilians', 'killed', None), (7, 'children', 'killed', 'f1')]

How it reads a text (in this order; step 1 is `context`, step 2 `candidates` and `lone_nouns`, steps 3 and 4
`links`, step 5 `attributes`, and this module assembles the figures):

1. **Tokens and mentions.** The text is normalised (`core.extraction.normalize`) and tokenised
   (`core.extraction.tokens`); the lexicons in ``data/lexicon/`` are matched over the tokens: victim nouns,
   killing/wounding words, actors, attack words, sources, connectives, kind cues and the words
   that make a number *not* a casualty count. Numbers come from `core.extraction.numbers`, dates from
   `core.extraction.dates`, places from `core.extraction.places`.
2. **Candidates.** A number becomes a casualty candidate when a victim noun follows it (27 مدنيا،
   أكثر من 200 من مقاتلي) or it closes a total (ارتفعت الحصيلة إلى 27، بلغت ثمانية عشر), and a
   killing or wounding word governs it (before it, after it, or the noun itself: قتيلا، جرحى). A
   count of something else (24 ساعة، 20 سيارة، 60 في المئة، 55 كلم) or of people trapped,
   displaced, arrested or rescued is dropped. A lone singular or dual victim noun in a killing
   clause counts 1 or 2 (مقتل امرأة، بينهم طفلان، ممرضان ... قتلا).
3. **Breakdowns.** Counts after بينهم / among them are `part_of` the count before them; a run of
   later counts that adds up exactly to an earlier one is a breakdown of it.
4. **Repeats and revisions.** The same count of the same victims again (headline and body) is
   `same_as` the first; an earlier count that the article says was revised is `superseded`.
5. **Kind, date, place, perpetrator, source** are read in the figure's clause (up to a clause
   break such as «في وقت» or the next count), then shared within a repeat group and from a count
   to its breakdowns; a source named once for the whole article is used for its figures.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from bisect import bisect_left, bisect_right

from core.extraction import lexicon
from core.extraction.attributes import (
    _continue_tolls,
    _date,
    _dates_from_parts,
    _kind,
    _place,
    _same_kind_in_repeats,
    _share_attributes,
    _source,
)
from core.extraction.candidates import _read_numbers, name_unnamed_groups
from core.extraction.confidence import calibrated
from core.extraction.context import Cand, _Context
from core.extraction.figure import Figure
from core.extraction.links import (
    _group_breakdowns,
    _link_back_references,
    _link_other_accounts,
    _link_other_counts,
    _link_other_sources,
    _link_parts,
    _link_parts_to_next,
    _link_repeats,
    _link_revisions,
    _mark_superseded,
    _spread_superseded,
    _sum_breakdowns,
    _sum_totals,
)
from core.extraction.lone_nouns import _read_lone_nouns
from core.extraction.perpetrators import _perpetrator, _side
from core.extraction.tokens import Mention

log = logging.getLogger(__name__)
EXTRACTOR_VERSION = "1.3.0"
def version() -> str:
    return f"{EXTRACTOR_VERSION}+lex{lexicon.version()}"


# ---- assembling ---------------------------------------------------------------------------------
_MAX_SENTENCE = 600  # characters: a longer "sentence" (no full stops) is cut around the number


def _sentence_text(ctx: _Context, c: Cand) -> tuple[str, int]:
    a, b = ctx.sentence_span(c.sent)
    if a >= b:
        return "", 0
    s, e = ctx.tokens[a].start, ctx.tokens[b - 1].end
    if e - s > _MAX_SENTENCE:
        s = max(s, c.start - _MAX_SENTENCE // 2)
        e = min(e, max(c.end, s) + _MAX_SENTENCE // 2)
        # start and end on whole words
        s = ctx.tokens[max(a, bisect_right(ctx.starts, s) - 1)].start if ctx.starts else s
        e = ctx.tokens[min(b, bisect_left(ctx.ends, e) + 1) - 1].end
    return ctx.text[s:e], s


def _span(m: Mention | None) -> tuple[int, int] | None:
    return (m.start, m.end) if m else None


def _to_figure(ctx: _Context, c: Cand) -> Figure:
    sentence, s0 = _sentence_text(ctx, c)
    gm = c.group_mention
    return Figure(
        id=c.id, start=c.start, end=c.end, number_text=c.number_text, sentence=sentence, sentence_start=s0,
        min=c.min, best=c.best, max=c.max, status=c.status or "killed", group=c.group, kind=c.kind,
        vague=c.vague, qualifier=c.qualifier, side=c.side,
        part_of=c.parent.id if c.parent else None, same_as=c.same.id if c.same else None,
        perpetrator=None if c.mixed_perpetrators else c.perpetrator, source=c.source,
        date=c.date_value, date_precision=c.date_precision, date_from=c.date_from,
        place=ctx.text[slice(*c.place_span)] if c.place_span else (c.place.text if c.place else None),
        place_id=c.place.place_id if c.place else None,
        place_precision=c.place.precision if c.place else None,
        group_text=ctx.text[gm.start : gm.end] if gm else None, group_span=_span(gm),
        perpetrator_text=ctx.text[c.perp_mention.start : c.perp_mention.end] if c.perp_mention else None,
        perpetrator_span=_span(c.perp_mention),
        source_text=ctx.text[c.source_mention.start : c.source_mention.end] if c.source_mention else None,
        source_span=_span(c.source_mention),
        date_text=c.date.text if c.date else None, date_span=(c.date.start, c.date.end) if c.date else None,
        place_span=c.place_span or ((c.place.start, c.place.end) if c.place else None),
        confidence=calibrated(c.rule, c.kind, round(c.confidence, 2)), rule_id=c.rule, extractor_version=version(), lang=c.lang,
        extra=dict(c.extra, kind_cue=c.kind_cue) if c.kind_cue else dict(c.extra),
    )


def guess_language(text: str) -> str:
    arabic = len(re.findall(r"[\u0600-\u06FF]", text[:5000]))
    latin = len(re.findall(r"[A-Za-z]", text[:5000]))
    return "en" if latin > arabic else "ar"


def _covered(ctx: _Context, c: Cand) -> range:
    """Tokens a count stands on, with a noun before its number: «مدنيين اثنين»، «شخص مدني واحد»."""
    a = c.ti
    gm = c.group_mention
    if gm is not None and gm.i < a:
        a = gm.i
        before = ctx.m("victims", a - 1) if a > 0 else None
        if before is not None and before.j == a:
            a = before.i
    return range(a, c.tj)


def extract(text: str, published: dt.date | None = None, lang: str | None = None) -> list[Figure]:
    """All casualty figures in ``text``, in text order, with ids f1, f2, ...

    ``published`` resolves «الأحد», «أمس», "on Tuesday"; without it such dates stay None.
    Never raises on bad text: a text with no casualty figures gives an empty list.
    """
    if not text or not text.strip():
        return []
    ctx = _Context(text, published, lang or guess_language(text))
    if ctx.empty:
        return []
    cands = _read_numbers(ctx)
    taken = {k for c in cands for k in _covered(ctx, c)}
    cands += _read_lone_nouns(ctx, taken, cands)
    cands.sort(key=lambda c: c.start)
    if not cands:
        return []
    for n, c in enumerate(cands):
        c.n = n
    name_unnamed_groups(ctx, cands)
    _link_parts(ctx, cands)
    _link_parts_to_next(ctx, cands)
    for c in cands:
        if c.parent is None:
            _place(ctx, cands, c)
    _link_repeats(ctx, cands)
    for c in cands:
        if c.parent is None:
            _kind(ctx, cands, c)
    _continue_tolls(ctx, cands)
    _same_kind_in_repeats(cands)
    _sum_breakdowns(cands)
    _sum_totals(ctx, cands)
    _group_breakdowns(ctx, cands)
    _mark_superseded(ctx, cands)
    _spread_superseded(ctx, cands)
    for c in cands:
        _date(ctx, cands, c)
        if c.kind == "toll" and c.parent is None:
            c.place, c.place_span = None, None  # a toll's place is the one it is counted over
        if c.place is None and (c.extra.get("by_place") or not (c.parent is not None and c.parent.kind == "toll")):
            _place(ctx, cands, c)
        _side(ctx, c)
        _perpetrator(ctx, cands, c)
        _source(ctx, cands, c)
    _dates_from_parts(cands)
    _link_other_sources(cands)
    _link_revisions(ctx, cands)
    _link_back_references(ctx, cands)
    _link_other_accounts(ctx, cands)
    _link_other_counts(ctx, cands)
    _share_attributes(ctx, cands)
    for n, c in enumerate(cands, 1):
        c.id = f"f{n}"
    return [_to_figure(ctx, c) for c in cands]
