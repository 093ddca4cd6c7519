"""The extractor's working record: the candidate figure (`Cand`) and the article being read
(`_Context`: tokens, lexicon mentions, numbers, dates and places, computed once), with the function
words and limits the rules share. The rules themselves are in `candidates`, `links` and `attributes`;
`extract` runs them in order.
"""

from __future__ import annotations

import datetime as dt
import logging
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache

from core.extraction import dates as dates_mod
from core.extraction import lexicon, places
from core.extraction.normalize import normalize
from core.extraction.tokens import Mention, Token, find_all_lexicons, matcher, tokenize

log = logging.getLogger(__name__)
_LEXICONS = (
    "victims", "casualty_terms", "connectives", "actors", "attack_terms", "sources", "non_casualty",
    "kind_cues",
)
_PLACE_RANK = {
    "landmark": 7, "district": 7, "village": 6, "town": 6, "camp": 6, "city": 4, "region": 3,
    "governorate": 2, "country": 1,
}
_DATE_RANK = {"absolute": 4, "relative": 3, "weekday": 3, "month": 2, "year": 1}
# "Home › Syria › 11 killed": the separators of a web page's breadcrumb or title end a segment too
_SENTENCE_END = {".", "!", "?", "؟", "\n", "›", "|", "•"}
_CLAUSE_PUNCT = {",", "،", ";", "؛", ".", "!", "?", "؟", ":"}
_MAX_LEFT_TRIGGER = 12
_MAX_RIGHT_TRIGGER = 30
_YEAR = range(1900, 2101)
_LOOKBACK = 200  # how many earlier counts a count is compared with (keeps long texts linear)


# ---- step 5: attributes -------------------------------------------------------------------------
def _window(ctx: _Context, cands: list[Cand], c: Cand, tight: bool = True) -> tuple[int, int]:
    """Tokens that speak about count c: its sentence, cut at clause breaks and (tight) at other counts."""
    lo, hi = ctx.sentence_span(c.sent)
    if tight:
        # the nearest other count on each side (breakdowns belong to the count before them)
        for o in reversed(cands[max(0, c.n - _LOOKBACK) : c.n]):
            if o.sent != c.sent:
                break
            if o.parent is c or c.parent is o or o.group in ("children", "women") or o.part_cue or o.list_item:
                continue
            if o.tj <= c.ti:
                lo = max(lo, o.tj)
                break
        for o in cands[c.n + 1 : c.n + 1 + _LOOKBACK]:
            if o.sent != c.sent:
                break
            if o.parent is c or c.parent is o or o.group in ("children", "women") or o.part_cue or o.list_item:
                continue
            if o.ti >= c.tj:
                hi = min(hi, o.ti)
                break
    k = bisect_left(ctx.break_i, c.ti) - 1
    if k >= 0 and ctx.break_i[k] >= lo:
        lo = max(lo, ctx.breaks[k].j)
    k = bisect_left(ctx.break_i, c.tj)
    if k < len(ctx.break_i) and ctx.break_i[k] < hi:
        hi = ctx.break_i[k]
    # «…11 مدنيا، وأضافت أن غارات … في قرية السحامية»: a new statement after the count is another report
    for m in ctx.mentions_in("connectives", c.tj, hi):
        if m.attrs.get("role") == "report" and m.i > c.tj:
            that = ctx.m("connectives", m.j)
            if that is not None and that.i == m.j and that.attrs.get("role") == "that":
                hi = m.i
                break
    return lo, hi


_BRACKETS = {"(": ")", '"': '"', "«": "»", "“": "”"}


def _bracketed_at(ctx: _Context, j: int, hi: int) -> int | None:
    """When token j opens a bracket or quote closed within a few words («(ممدوح علي)»، «"أحمد"»):
    the index of its closing token; else None."""
    if j >= hi or ctx.tokens[j].text not in _BRACKETS:
        return None
    close = _BRACKETS[ctx.tokens[j].text]
    return next((q for q in range(j + 1, min(hi, j + 8)) if ctx.tokens[q].text == close), None)


def _find(ctx: _Context, lex: str, lo: int, hi: int, roles: tuple[str, ...] | None = None) -> Mention | None:
    for m in ctx.mentions_in(lex, lo, hi):
        if roles is None or m.attrs.get("role") in roles:
            return m
    return None


@lru_cache(maxsize=1)
def _glued_status_nouns() -> list[tuple[str, str]]:
    out = []
    for key, entry in lexicon.load("victims").items():
        if entry.get("status") and entry.get("number") in ("sg", "pl") and "+" not in key:  # listed forms only
            out += [(normalize(x).text, key) for x in entry["surfaces"] if len(x) >= 4]
    return sorted(out, key=lambda x: -len(x[0]))


@cache
def _fw(role: str) -> frozenset[str]:
    """Normalised surfaces of one role of ``data/lexicon/function_words.json``."""
    return frozenset(normalize(s).text.lower() for s in lexicon.load("function_words")[role]["surfaces"])


def _is(tok: Token, role: str) -> bool:
    """Is the token (or, for Arabic, its bare form) one of the function words of a role?"""
    words = _fw(role)
    return tok.text in words or (tok.kind == "ar" and any(f in words for f in tok.forms[1:]))


# ---- the working record ---------------------------------------------------------------------------
@dataclass
class Cand:
    ti: int  # first token of the number (or lone noun)
    tj: int  # one past the last token of number + noun
    start: int  # original span of the number as written
    end: int
    number_text: str
    sent: int
    min: int | None
    best: int | None
    max: int | None
    vague: bool = False
    qualifier: str | None = None
    status: str | None = None
    group: str = "people"
    side: str | None = None
    group_mention: Mention | None = None
    rule: str = ""
    confidence: float = 0.8
    lang: str = "ar"
    group_from_noun: bool = True  # False when the group was only guessed (قتلى، no noun)
    part_cue: bool = False  # preceded by بينهم / among them
    part_back: bool = False  # بين القتلى / among the dead
    list_item: bool = False  # «و4 إناث» continuing a list of parts
    conjunct: bool = False  # «وابنتها»
    parent: Cand | None = None
    same: Cand | None = None
    kind: str = "incident"
    kind_cue: str | None = None
    perpetrator: str | None = None
    perp_mention: Mention | None = None
    mixed_perpetrators: bool = False
    source: str | None = None
    source_mention: Mention | None = None
    date: dates_mod.DateMatch | None = None
    date_value: str | None = None
    date_precision: str | None = None
    date_from: str | None = None
    place: places.PlaceMatch | None = None
    place_span: tuple[int, int] | None = None  # when several coordinated places are named
    newer: Cand | None = None  # for a superseded count: the count that replaced it
    period: Cand | None = None  # for a count carried into a report's period: the total that stated it
    id: str = ""
    n: int = 0  # position in the article's list of counts
    extra: dict = field(default_factory=dict)

    @property
    def head(self) -> bool:
        return self.parent is None


class _Context:
    """Everything known about one text: tokens, sentences and lexicon mentions."""

    def __init__(self, text: str, published: dt.date | None, lang: str):
        self.text = text
        self.published = published
        self.lang = lang
        self.norm = normalize(text)
        self.tokens: list[Token] = tokenize(self.norm)
        self.empty = not _may_report_casualties(self.tokens)
        if self.empty:
            return
        self.starts = [t.start for t in self.tokens]
        self.ends = [t.end for t in self.tokens]
        self.mentions: dict[str, list[Mention]] = {}
        self.at: dict[str, list[Mention | None]] = {}
        all_found = find_all_lexicons(self.tokens, _LEXICONS)
        for name in _LEXICONS:
            found = all_found[name]
            self.mentions[name] = found
            cover: list[Mention | None] = [None] * len(self.tokens)
            for m in found:
                for k in range(m.i, m.j):
                    cover[k] = m
            self.at[name] = cover
        self.sent_of, self.sentences = self._sentences()
        self.dates = list(_safe(lambda t: dates_mod.find_dates(t, published, normalized=self.norm), text))
        if published is None:  # «دمشق 22 مايو 2017 ... اليوم (الاثنين)»: the text's own dateline
            inferred = dates_mod.infer_publication(text, normalized=self.norm, found=self.dates)
            if inferred is not None:
                self.published = published = inferred
                self.dates = list(_safe(lambda t: dates_mod.find_dates(t, published, normalized=self.norm), text))
        actors = [(m.start, m.end) for m in self.mentions["actors"]]
        self.places = [  # «قوات سوريا الديمقراطية» names an actor, not the country
            p for p in _safe(places.find_places, text) if not any(a <= p.start and p.end <= b for a, b in actors)
        ]
        self.date_toks = [self.tok_range(d.start, d.end) for d in self.dates]
        self.place_toks = [self.tok_range(p.start, p.end) for p in self.places]
        # sorted start positions, so that lookups in a token range are bisections (linear time overall)
        self.mention_i = {name: [m.i for m in ms] for name, ms in self.mentions.items()}
        self.breaks = [m for m in self.mentions["connectives"] if m.attrs.get("role") == "break"]
        self.break_i = [m.i for m in self.breaks]
        self.date_i = [a for a, _ in self.date_toks]
        self.place_i = [a for a, _ in self.place_toks]

    def _sentences(self) -> tuple[list[int], list[tuple[int, int]]]:
        sent_of: list[int] = []
        bounds: list[tuple[int, int]] = []
        s = 0
        for k, t in enumerate(self.tokens):
            sent_of.append(len(bounds))
            end_here = t.text in _SENTENCE_END and not self._abbrev(k)
            if not end_here and k + 1 < len(self.tokens):
                # a line break inside the original text ends a sentence too
                end_here = "\n" in self.text[t.end : self.tokens[k + 1].start]
            if end_here:
                bounds.append((s, k + 1))
                s = k + 1
        if s < len(self.tokens) or not bounds:
            bounds.append((s, len(self.tokens)))
        return sent_of, bounds

    def _abbrev(self, k: int) -> bool:
        """A full stop after a single Latin capital (U.S.) or between digits ends nothing."""
        if self.tokens[k].text != ".":
            return False
        prev = self.tokens[k - 1] if k else None
        return bool(prev and prev.kind == "en" and len(prev.raw) == 1 and prev.raw.isupper())

    def tok_range(self, start: int, end: int) -> tuple[int, int]:
        i = bisect_right(self.ends, start)
        j = bisect_left(self.starts, end)
        return i, max(j, i)

    def mentions_in(self, lex: str, lo: int, hi: int) -> list[Mention]:
        """Mentions of a lexicon that start in tokens [lo, hi)."""
        starts = self.mention_i[lex]
        return self.mentions[lex][bisect_left(starts, lo) : bisect_left(starts, hi)]

    def dates_in(self, lo: int, hi: int) -> range:
        return range(bisect_left(self.date_i, lo), bisect_left(self.date_i, hi))

    def places_in(self, lo: int, hi: int) -> range:
        return range(bisect_left(self.place_i, lo), bisect_left(self.place_i, hi))

    def m(self, lex: str, k: int) -> Mention | None:
        if 0 <= k < len(self.tokens):
            return self.at[lex][k]
        return None

    def sentence_span(self, sent: int) -> tuple[int, int]:
        a, b = self.sentences[sent]
        return a, b


@cache
def _glued_prefixes() -> tuple[str, ...]:
    return tuple(w for w, _ in _glued_status_nouns())


@lru_cache(maxsize=1)
def _status_nouns() -> frozenset[str]:
    """Every surface of a noun that says killed/injured by itself (قتيل، جرحى، dead)."""
    victims = matcher("victims")
    return frozenset(
        first for first, entries in victims._index.items()
        if any(victims.entries[key].get("status") for _, _, key, _ in entries)
    )


def _may_report_casualties(tokens: list[Token]) -> bool:
    """Cheap first look: without one word of killing or wounding there is no figure to find."""
    nouns = _status_nouns()
    for t in tokens:
        if t.kind == "en":
            if t.text in nouns:
                return True
        elif t.kind == "ar":
            if any(f in nouns for f in t.forms):
                return True
            if len(t.text) >= 7 and t.text.startswith(_glued_prefixes()):
                return True  # «قتيلاتجمعهم»
    return bool(matcher("casualty_terms").find_all(tokens))


def _safe(fn, *args):
    try:
        return fn(*args)
    except Exception:  # a helper failing must not sink the article
        log.exception("%s failed", getattr(fn, "__name__", fn))
        return []
