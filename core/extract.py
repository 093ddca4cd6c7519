"""Casualty figures from an article's text: every rule of the extractor is in this module.

    >>> figs = extract("قتل 27 مدنيا بينهم سبعة أطفال في قصف للتحالف الدولي على حارة البدو.")
    >>> [(f.best, f.group, f.status, f.part_of) for f in figs]
    [(27, 'civilians', 'killed', None), (7, 'children', 'killed', 'f1')]

How it reads a text (each step is a function below, in this order):

1. **Tokens and mentions.** The text is normalised (`core.normalize`) and tokenised
   (`core.tokens`); the lexicons in ``data/lexicon/`` are matched over the tokens: victim nouns,
   killing/wounding words, actors, attack words, sources, connectives, kind cues and the words
   that make a number *not* a casualty count. Numbers come from `core.numbers`, dates from
   `core.dates`, places from `core.places`.
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
from dataclasses import dataclass, field
from functools import cache, lru_cache

from core import dates as dates_mod
from core import lexicon, numbers, places
from core.figure import Figure
from core.normalize import normalize
from core.tokens import Mention, Token, find_all_lexicons, matcher, tokenize

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = "1.1.0"

_LEXICONS = (
    "victims", "casualty_terms", "connectives", "actors", "attack_terms", "sources", "non_casualty",
    "kind_cues",
)
_PLACE_RANK = {
    "landmark": 7, "district": 7, "village": 6, "town": 6, "camp": 6, "city": 4, "region": 3,
    "governorate": 2, "country": 1,
}
_DATE_RANK = {"absolute": 4, "relative": 3, "weekday": 3, "month": 2, "year": 1}
_SENTENCE_END = {".", "!", "?", "؟", "\n"}
_CLAUSE_PUNCT = {",", "،", ";", "؛", ".", "!", "?", "؟", ":"}
_MAX_LEFT_TRIGGER = 12
_MAX_RIGHT_TRIGGER = 30
_YEAR = range(1900, 2101)
_LOOKBACK = 200  # how many earlier counts a count is compared with (keeps long texts linear)


@cache
def _fw(role: str) -> frozenset[str]:
    """Normalised surfaces of one role of ``data/lexicon/function_words.json``."""
    return frozenset(normalize(s).text.lower() for s in lexicon.load("function_words")[role]["surfaces"])


def _is(tok: Token, role: str) -> bool:
    """Is the token (or, for Arabic, its bare form) one of the function words of a role?"""
    words = _fw(role)
    return tok.text in words or (tok.kind == "ar" and tok.forms[-1] in words)


def version() -> str:
    return f"{EXTRACTOR_VERSION}+lex{lexicon.version()}"


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
            if len(t.text) >= 7 and any(t.text.startswith(w) for w, _ in _glued_status_nouns()):
                return True  # «قتيلاتجمعهم»
    return bool(matcher("casualty_terms").find_all(tokens))


def _safe(fn, *args):
    try:
        return fn(*args)
    except Exception:  # a helper failing must not sink the article
        log.exception("%s failed", getattr(fn, "__name__", fn))
        return []


# ---- step 2: candidates -------------------------------------------------------------------------
def _prev_word(ctx: _Context, k: int, lo: int) -> int:
    """Index of the token before k, skipping quotes and dashes; -1 when none in [lo, k)."""
    k -= 1
    while k >= lo and ctx.tokens[k].kind == "punct" and ctx.tokens[k].text not in _CLAUSE_PUNCT:
        k -= 1
    return k if k >= lo else -1


def _next_word(ctx: _Context, k: int, hi: int) -> int:
    while k < hi and ctx.tokens[k].kind == "punct" and ctx.tokens[k].text not in _CLAUSE_PUNCT:
        k += 1
    return k if k < hi else -1


def _victim_after(ctx: _Context, k: int, hi: int, english: bool) -> Mention | None:
    """The victim noun that a number at token k-1 counts: 27 مدنيا، 200 من مقاتلي، 14 of the dead."""
    k = _next_word(ctx, k, hi)
    if k < 0:
        return None
    v = ctx.m("victims", k)
    if v and v.i == k:
        return v
    t = ctx.tokens[k]
    if t.text in _fw("of") and t.text != "the":
        k2 = k + 1
        if k2 < hi and ctx.tokens[k2].text == "the":
            k2 += 1
        v = ctx.m("victims", k2)
        if v and v.i == k2:
            return v
    if english:
        # up to three adjectives or actor names, and one aside in brackets:
        # "120 Daesh militants", "three senior foreign leaders", "120 Daesh (banned in Russia) militants"
        skipped = 0
        k2 = k
        while k2 < hi and skipped < 3:
            t = ctx.tokens[k2]
            if t.text == "(":
                close = next((q for q in range(k2 + 1, min(hi, k2 + 8)) if ctx.tokens[q].text == ")"), None)
                if close is None:
                    break
                k2 = close + 1
                continue
            if t.kind != "en" or ctx.m("non_casualty", k2) or ctx.m("victims", k2):
                break
            k2 += 1
            skipped += 1
            v = ctx.m("victims", k2) if k2 < hi else None
            if v and v.i == k2:
                return v
            if k2 < hi and ctx.tokens[k2].text == "(":
                continue
    else:
        # a noun glued to the next word by a missing space: «32 قتيلاتجمعهم»
        tok = ctx.tokens[k]
        if tok.kind == "ar" and len(tok.text) >= 7:
            for surface, key in _glued_status_nouns():
                if tok.text.startswith(surface) and len(tok.text) - len(surface) >= 3:
                    entry = lexicon.load("victims")[key]
                    attrs = {a: b for a, b in entry.items() if a != "surfaces"}
                    return Mention("victims", key, attrs, k, k + 1, tok.start, tok.end, surface)
    return None


@lru_cache(maxsize=1)
def _glued_status_nouns() -> list[tuple[str, str]]:
    out = []
    for key, entry in lexicon.load("victims").items():
        if entry.get("status") and entry.get("number") in ("sg", "pl"):
            out += [(normalize(x).text, key) for x in entry["surfaces"] if len(x) >= 4]
    return sorted(out, key=lambda x: -len(x[0]))


def _is_unit(ctx: _Context, k: int, hi: int) -> bool:
    k = _next_word(ctx, k, hi)
    if k < 0:
        return False
    u = ctx.m("non_casualty", k)
    if not (u and u.i == k and u.attrs.get("role") in ("unit", "percent")):
        return False
    # a counted noun follows its number directly: «20 سيارة», not «العشرات بغارات»
    tok = ctx.tokens[k]
    first = normalize(u.surface).text.split()[0]
    return tok.kind != "ar" or tok.text == first or tok.text == "ال" + first or tok.text.startswith(first)


def _fate_near(ctx: _Context, i: int, j: int, lo: int, hi: int) -> bool:
    """Trapped, displaced, arrested... right before the count or right after its noun."""
    for k in (_prev_word(ctx, i, lo), _prev_word(ctx, _prev_word(ctx, i, lo), lo) if i > lo else -1):
        if k >= 0:
            f = ctx.m("non_casualty", k)
            if f and f.attrs.get("role") == "fate":
                return True
    k = j
    for _ in range(4):
        if k >= hi or ctx.tokens[k].text in _CLAUSE_PUNCT:
            break
        if ctx.tokens[k].text in ("have", "has", "had", "been", "were", "was", "are", "still", "remain"):
            k += 1
            continue
        if ctx.m("connectives", k):
            break  # «عشرات المصابين إضافة إلى مفقودين»: the missing are another group
        f = ctx.m("non_casualty", k)
        if f and f.attrs.get("role") == "fate":
            return True
        k += 1
    return False


def _left_trigger(ctx: _Context, i: int, lo: int, limit: int = _MAX_LEFT_TRIGGER) -> Mention | None:
    k = i - 1
    steps = 0
    while k >= lo and steps < limit:
        m = ctx.m("casualty_terms", k)
        if m and m.attrs.get("position") in ("before", "any"):
            return m
        if ctx.tokens[k].text in (".", "؟", "?", "!"):
            break
        k -= 1
        steps += 1
    return None


def _right_trigger(ctx: _Context, j: int, hi: int, limit: int = _MAX_RIGHT_TRIGGER) -> Mention | None:
    k = j
    steps = 0
    while k < hi and steps < limit:
        m = ctx.m("casualty_terms", k)
        if m and m.attrs.get("position") in ("after", "any"):
            return m
        t = ctx.tokens[k]
        if t.text in _CLAUSE_PUNCT and k + 1 < hi:
            n = ctx.tokens[k + 1]
            cont = ctx.m("connectives", k + 1)
            if not (cont and cont.attrs.get("role") in ("part", "part_back")) and not (n.kind == "num" or n.text.startswith("و") and k + 2 < hi and ctx.tokens[k + 2].kind == "num"):
                break
        if _is(t, "clause_start"):
            break
        c = ctx.m("connectives", k)
        if c and c.attrs.get("role") == "break":
            break
        k += 1
        steps += 1
    return None


def _status_of(ctx: _Context, i: int, j: int, lo: int, hi: int, noun: Mention | None) -> tuple[str | None, str]:
    """(status, how): from the noun itself, a killing word before, or one after."""
    if noun and noun.attrs.get("status"):
        nxt = ctx.m("casualty_terms", noun.i)
        if nxt and nxt.attrs.get("status") == "killed_or_injured":
            return "killed_or_injured", "noun"
        k = _next_word(ctx, noun.j, hi)
        v2 = ctx.m("victims", k) if k >= 0 else None
        if v2 and v2.attrs.get("status") and v2.attrs["status"] != noun.attrs["status"] and ctx.tokens[k].text.startswith("و"):
            return "killed_or_injured", "noun"
        return noun.attrs["status"], "noun"
    k = j
    while k < hi and _is(ctx.tokens[k], "auxiliary"):
        k += 1
    close = ctx.m("casualty_terms", k) if k < hi and k - j <= 3 else None
    if close and close.i == k and close.attrs.get("position") in ("after", "any") and not ctx.tokens[k].text.startswith("و"):
        return close.attrs["status"], "right"  # "twelve people were wounded", «10 مدنيين استشهدوا»
    left = _left_trigger(ctx, i, lo)
    if left:
        return left.attrs["status"], "left"
    k = _prev_word(ctx, i, lo)
    before = ctx.m("victims", k) if k >= 0 else None
    if before is not None and before.attrs.get("status") and before.j == k + 1:
        return before.attrs["status"], "left-noun"  # «انتشال جثث 15 مدنيا»
    right = _right_trigger(ctx, j, hi)
    if right:
        return right.attrs["status"], "right"
    return None, ""


def _connective_before(ctx: _Context, i: int, lo: int, within: int = 3) -> Mention | None:
    k = i - 1
    n = 0
    while k >= lo and n < within:
        c = ctx.m("connectives", k)
        if c and c.attrs.get("role") in ("part", "part_back"):
            return c
        if ctx.tokens[k].text in _CLAUSE_PUNCT:
            return None
        k -= 1
        n += 1
    return None


def _part_back_near(ctx: _Context, i: int, j: int, lo: int, hi: int) -> bool:
    for k in list(range(max(lo, i - 6), i)) + list(range(j, min(hi, j + 6))):
        c = ctx.m("connectives", k)
        if c and c.attrs.get("role") == "part_back":
            return True
    return False


def _to_before(ctx: _Context, i: int, lo: int) -> bool:
    k = _prev_word(ctx, i, lo)
    if k < 0:
        return False
    c = ctx.m("connectives", k)
    return bool(c and c.attrs.get("role") == "to")


def _clock_time(ctx: _Context, i: int, j: int) -> bool:
    nxt = ctx.tokens[j] if j < len(ctx.tokens) else None
    prv = ctx.tokens[i - 1] if i > 0 else None
    return bool((nxt and nxt.text == ":" and nxt.start == ctx.tokens[j - 1].end) or (prv and prv.text == ":" and prv.end == ctx.tokens[i].start))


def _list_status(out: list[Cand], ctx: _Context, i: int) -> Cand | None:
    """The count this one continues in a list: «ثلاثة قتلى ...، وأربعة آخرين»."""
    if not out:
        return None
    prev = out[-1]
    if prev.sent != ctx.sent_of[i] or i - prev.tj > 15 or i <= prev.tj - 1:
        return None
    tok = ctx.tokens[i]
    before = ctx.tokens[i - 1].text if i > 0 else ""
    if tok.text.startswith("و") or before in _fw("conjunction") or before in (",", "،"):
        return prev
    return None


def _may_follow_total(ctx: _Context, k: int) -> bool:
    """Words that may follow a count given without its noun: «816 على الأقل»، «167 بينهم»، «960 عدد الشهداء»."""
    tok = ctx.tokens[k]
    if _is(tok, "after_total"):
        return True
    if tok.kind == "ar" and tok.text[0] == "ب" and len(tok.text) > 3:
        return True  # «العشرات بغارات»: a glued preposition starts a new phrase
    return any(ctx.m(lex, k) for lex in ("connectives", "casualty_terms", "victims", "kind_cues", "attack_terms"))


def value_is_small(nm: numbers.NumberMatch) -> bool:
    return nm.value is not None and nm.value <= 10


def _read_numbers(ctx: _Context) -> list[Cand]:
    out: list[Cand] = []
    for nm in _safe(lambda t: numbers.find_numbers(t, normalized=ctx.norm), ctx.text):
        i, j = ctx.tok_range(nm.start, nm.end)
        if i >= j:
            continue
        k = bisect_left(ctx.date_i, j) - 1
        if k >= 0 and ctx.date_toks[k][1] > i:
            continue  # part of a date: «22 آب 2017»
        if nm.script == "digits" and (nm.text[:1] in "0٠۰" or _clock_time(ctx, i, j)):
            continue  # «0914», «10:30»: a time or a code
        sent = ctx.sent_of[i]
        lo, hi = ctx.sentence_span(sent)
        after = j
        before = i
        if nm.qualifier_span:
            qi, qj = ctx.tok_range(*nm.qualifier_span)
            if nm.qualifier_span[0] >= nm.end and qi == j:
                after = qj  # «10 على الأقل مدنيين»
            elif nm.qualifier_span[1] <= nm.start:
                before = qi  # «بينهم ما لا يقل عن 201 طفلا»
        english = nm.lang == "en" or ctx.tokens[i].kind == "en" or ctx.lang == "en"
        if _is_unit(ctx, after, hi):
            continue
        noun = _victim_after(ctx, after, hi, english)
        if noun and noun.attrs.get("conjunct_only"):
            noun = None
        if noun is None and nm.script == "words" and value_is_small(nm) and before > lo:
            pv = ctx.m("victims", before - 1)  # «جرح مدنيين اثنين»: the number follows its noun
            if pv and pv.j == before and not pv.attrs.get("conjunct_only"):
                noun = pv
        end_tok = noun.j if noun else after
        if _fate_near(ctx, i, end_tok, lo, hi):
            continue
        # a second noun right after the first can be more specific: «125 قتيلا مدنيا»، «42 مواطنا مدنيا»
        group_noun = noun
        if noun:
            k = _next_word(ctx, noun.j, hi)
            v2 = ctx.m("victims", k) if k >= 0 else None
            if v2 and v2.i == k and not v2.attrs.get("status") and v2.attrs.get("group") not in ("inherit",):
                if noun.attrs.get("group") in ("people", "inherit") or noun.attrs.get("status"):
                    group_noun = v2
                    end_tok = v2.j
        status, how = _status_of(ctx, before, end_tok, lo, hi, noun)
        cue = _connective_before(ctx, before, lo)
        listed = _list_status(out, ctx, before)
        if status is None and listed is not None and listed.status:
            status, how = listed.status, "list"
        if status is None and cue is not None and cue.attrs.get("status"):
            status, how = cue.attrs["status"], "among"  # «بين القتلى 14 شخصا»
        if status is None and _to_before(ctx, before, lo):
            # «ارتفعت حصيلة القتلى ... إلى 23 مدنيا»: the total's own words may stand far back
            wide = _left_trigger(ctx, before, lo, limit=40)
            if wide is not None:
                status, how = wide.attrs["status"], "total"
        low, best, high = nm.bounds()
        value = nm.value if nm.value is not None else None
        if noun is None:
            # a total with no noun: «ارتفعت الحصيلة إلى 816»، «بلغت ثمانية عشر»، «إصابة العشرات»
            if value is not None and value in _YEAR:
                continue
            if value == 1 and nm.script == "words":
                continue  # «من عائلة واحدة»: واحد after a noun is an adjective
            nxt = _next_word(ctx, after, hi)
            part_follows = nxt >= 0 and (c := ctx.m("connectives", nxt)) is not None and c.attrs.get("role") == "part"
            trigger_adjacent = _left_trigger(ctx, before, lo, limit=2) is not None
            if nm.vague and not (ctx.tokens[i].text.startswith("ال") or nxt < 0 or ctx.tokens[nxt].kind == "punct"):
                continue  # «مئات» (indefinite) needs its noun; «العشرات» stands alone
            if not (status and (_to_before(ctx, before, lo) or part_follows or trigger_adjacent)):
                continue
            if nxt >= 0 and ctx.tokens[nxt].kind in ("ar", "en") and not _may_follow_total(ctx, nxt):
                continue  # «لتصل إلى 19002 شركة»: a count of something the lexicons do not know
            rule = "total-no-noun"
            conf = 0.6
        else:
            in_breakdown = cue is not None and cue.attrs.get("role") == "part" and out and out[-1].sent == sent
            listed_part = listed is not None and (listed.part_cue or listed.list_item)
            if not status and not in_breakdown and not listed_part:
                continue  # a breakdown takes its total's status (and needs a total)
            rule = f"number-noun-{how or 'breakdown'}"
            conf = 0.9 if how == "noun" or how == "left" else 0.75
        if value == 0:
            continue
        gm = group_noun
        group = (gm.attrs.get("group") if gm else "people") or "people"
        if group == "inherit":
            heads = [o for o in out if o.sent == sent and not o.part_cue and not o.list_item]
            group = heads[-1].group if heads else "people"
        elif gm is not None:
            k = _next_word(ctx, gm.j, hi)
            v2 = ctx.m("victims", k) if k >= 0 else None
            if (
                v2 and v2.i == k and ctx.tokens[k].text.startswith("و") and v2.attrs.get("number") != "du"
                and v2.attrs.get("group") not in (group, "inherit") and not v2.attrs.get("status")
            ):
                group = "people"  # «8 أطفال ومواطنات»: one count of two groups
                end_tok = v2.j
        c = Cand(
            ti=i, tj=end_tok, start=nm.start, end=nm.end, number_text=nm.text, sent=sent,
            min=low, best=best, max=high, vague=nm.vague, qualifier=nm.qualifier, status=status,
            group=group, group_mention=gm,
            rule=rule, confidence=conf if not nm.vague else min(conf, 0.6), lang="en" if english else "ar",
        )
        c.list_item = listed is not None and (listed.part_cue or listed.list_item)
        c.group_from_noun = gm is not None and not gm.attrs.get("status") and gm.attrs.get("group") != "inherit"
        if cue is not None:
            c.part_cue = cue.attrs.get("role") == "part"
            c.part_back = cue.attrs.get("role") == "part_back"
        if not c.part_back:
            c.part_back = _part_back_near(ctx, i, end_tok, lo, hi)
        if noun is not None and noun.attrs.get("status") and noun.i > j and ctx.tokens[noun.i - 1].text in _fw("of"):
            c.part_back = True  # «14 من القتلى», "14 of the dead": some of a count given before
        if nm.vague and (nm.low or 0) >= 1000:
            c.kind, c.kind_cue = "toll", nm.text  # thousands of dead are a tally, not one event
        out.append(c)
    return out


def _read_lone_nouns(ctx: _Context, taken: set[int], counted: list[Cand]) -> list[Cand]:
    """«مقتل امرأة وابنتها»، «بينهم طفلان»، «ممرضان ... قتلا»: a noun alone is a count of 1 or 2."""
    out: list[Cand] = []
    prev_lone: Cand | None = None
    ends = {c.tj: c for c in counted}
    first_end: dict[int, int] = {}
    for c in counted:
        first_end[c.sent] = min(first_end.get(c.sent, c.tj), c.tj)
    for v in ctx.mentions["victims"]:
        if v.i in taken or (v.i > 0 and ctx.tokens[v.i - 1].kind == "num"):
            continue
        number = v.attrs.get("number")
        if number not in ("sg", "du") or (number == "sg" and not v.attrs.get("lone")):
            continue
        if v.attrs.get("status"):
            continue
        sent = ctx.sent_of[v.i]
        lo, hi = ctx.sentence_span(sent)
        tok = ctx.tokens[v.i]
        glued_and = tok.text.startswith("و") and tok.text not in v.surface
        conj = bool(glued_and and prev_lone is not None and prev_lone.tj == v.i)
        if v.attrs.get("conjunct_only") and not conj:
            continue
        k = _prev_word(ctx, v.i, lo)
        trig = ctx.m("casualty_terms", k) if k >= 0 else None
        cue = _connective_before(ctx, v.i, lo, within=2)
        status = None
        rule = ""
        if trig and trig.j == k + 1 and trig.attrs.get("position") in ("before", "any"):
            status, rule = trig.attrs["status"], "lone-noun-after-trigger"
        elif conj:
            status, rule = prev_lone.status, "lone-noun-conjunct"
        elif cue is not None and cue.attrs.get("role") == "part" and first_end.get(sent, v.i + 1) <= v.i:
            status, rule = None, "lone-noun-in-breakdown"
        elif glued_and and out and out[-1].tj == v.i:
            status, rule = out[-1].status, "lone-noun-list"
        elif glued_and and (v.i in ends or (v.i - 1 in ends and ctx.tokens[v.i - 1].kind == "punct")):
            status, rule = ends.get(v.i, ends.get(v.i - 1)).status, "lone-noun-list"
        elif number == "du":
            r = _right_trigger(ctx, v.j, hi, limit=8)
            if r:
                status, rule = r.attrs["status"], "dual-noun-then-verb"
        if not rule:
            prev_lone = None
            continue
        if _fate_near(ctx, v.i, v.j, lo, hi):
            continue
        value = 2 if number == "du" else 1
        s, e = v.start, v.end
        c = Cand(
            ti=v.i, tj=v.j, start=s, end=e, number_text=ctx.text[s:e], sent=sent, min=value, best=value,
            max=value, status=status, group=v.attrs.get("group") or "people", group_mention=v, rule=rule,
            confidence=0.6, lang="en" if tok.kind == "en" else "ar",
        )
        c.part_cue = cue is not None and cue.attrs.get("role") == "part"
        c.conjunct = conj
        if c.group == "inherit":
            c.group = "people"
        out.append(c)
        prev_lone = c
    return out


# ---- step 3: breakdowns --------------------------------------------------------------------------
def _link_parts(ctx: _Context, cands: list[Cand]) -> None:
    last_head_in_sent: dict[int, Cand] = {}
    prev: Cand | None = None
    for c in cands:
        head = last_head_in_sent.get(c.sent)
        others = c.group_mention is not None and c.group_mention.key == "others"
        continues_list = (
            not others
            and prev is not None
            and prev.parent is not None
            and prev.sent == c.sent
            and (
                _only_conjunction_between(ctx, prev.tj, c.ti)
                or (_after_and(ctx, c.ti) and c.ti - prev.tj <= 10 and not _heads_between(cands, prev, c))
            )
        )
        if c.part_cue and head is not None and head is not c:
            c.parent = head
        elif continues_list:
            c.parent = prev.parent
            c.list_item = True
        elif c.conjunct and prev is not None and prev.parent is not None:
            c.parent = prev.parent
        elif c.part_back:
            target = _latest_head_before(cands, c)
            if target is not None:
                c.parent = target
        if c.parent is None:
            last_head_in_sent[c.sent] = c
        else:
            if c.status is None:
                c.status = c.parent.status
        prev = c
    for c in cands:
        if c.status is None:
            c.status = c.parent.status if c.parent and c.parent.status else "killed"
        if c.group == "inherit":
            c.group = "people"


def _after_and(ctx: _Context, k: int) -> bool:
    """Token k carries a glued «و» or follows «و»/"and": «وثلاثة»، «و 204»، "and 14"."""
    return ctx.tokens[k].text.startswith("و") or (k > 0 and _is(ctx.tokens[k - 1], "conjunction"))


def _heads_between(cands: list[Cand], a: Cand, b: Cand) -> bool:
    return any(o.parent is None and not o.part_cue and a.tj <= o.ti < b.ti for o in cands[a.n + 1 : b.n])


def _only_conjunction_between(ctx: _Context, a: int, b: int) -> bool:
    """True when tokens [a, b) hold only a comma, «و» or a qualifier: «3 أطفال و4 مواطنات»."""
    if b < a or b - a > 6:
        return False
    for k in range(a, b):
        t = ctx.tokens[k]
        if t.kind == "punct" or _is(t, "list_filler"):
            continue
        return False
    return ctx.tokens[b].text.startswith("و") or (b > 0 and (_is(ctx.tokens[b - 1], "conjunction") or ctx.tokens[b - 1].text in (",", "،")))


def _latest_head_before(cands: list[Cand], c: Cand) -> Cand | None:
    for o in reversed(cands[max(0, c.n - _LOOKBACK) : c.n]):
        if o.parent is None and o.status in (c.status, None) and o.best is not None and (c.best or 0) <= o.best:
            return o
    return None


def _sum_breakdowns(cands: list[Cand]) -> None:
    """Later counts that add up exactly to an earlier count are its breakdown (40 + 10 of the 50)."""
    heads = [c for c in cands if c.parent is None and c.same is None and c.kind == "incident"]
    for idx, h in enumerate(heads):
        if h.best is None or h.vague or h.best < 2:
            continue
        run: list[Cand] = []
        total = 0
        for o in heads[idx + 1 : idx + 1 + _LOOKBACK]:
            if o.status != h.status or o.parent is not None or o.same is not None:
                continue
            if o.best is None or o.vague or o.sent == h.sent and not run and o.ti < h.ti:
                break
            if o.best >= h.best:
                break
            run.append(o)
            total += o.best
            if total >= h.best:
                break
        if len(run) >= 2 and total == h.best:
            for o in run:
                o.parent = h
                o.extra["part_by_sum"] = True


def _group_breakdowns(cands: list[Cand]) -> None:
    """Children or women counted after a count of civilians of the same event are part of it."""
    for idx, c in enumerate(cands):
        if c.parent is not None or c.group not in ("children", "women") or c.best is None:
            continue
        for o in reversed(cands[max(0, idx - _LOOKBACK) : idx]):
            if (
                o.parent is None and o.group in ("civilians", "people") and o.status == c.status
                and o.best is not None and o.best > c.best and o.kind == c.kind and _places_compatible(o, c)
            ):
                c.parent = _root(o) if o.same is not None else o
                c.extra["part_by_group"] = True
                break


# ---- step 4: repeats and revisions ---------------------------------------------------------------
def _compatible_groups(a: str, b: str) -> bool:
    return a == b or {a, b} == {"civilians", "people"}


def _repeat_groups(a: Cand, b: Cand) -> bool:
    """Groups two counts of the same victims may carry: the same, civilians~people, or a guessed
    'people' («70 قتيلا»، "70 dead") against any group."""
    if _compatible_groups(a.group, b.group):
        return True
    if a.parent is not None or b.parent is not None:
        return False
    return (a.group == "people" and not a.group_from_noun) or (b.group == "people" and not b.group_from_noun)


def _root(c: Cand) -> Cand:
    while c.same is not None:
        c = c.same
    return c


def _places_compatible(a: Cand, b: Cand) -> bool:
    pa, pb = _place_of(a), _place_of(b)
    if pa is None or pb is None:
        return True
    if pa.place_id and pb.place_id:
        if pa.place_id == pb.place_id:
            return True
        ra, rb = _PLACE_RANK.get(pa.precision, 0), _PLACE_RANK.get(pb.precision, 0)
        return ra < 5 or rb < 5  # a city and a district in it can be the same event
    ra, rb = _PLACE_RANK.get(pa.precision, 0), _PLACE_RANK.get(pb.precision, 0)
    if ra >= 5 and rb >= 5:
        return _norm_place(pa.text) == _norm_place(pb.text)
    return True


def _place_of(c: Cand) -> places.PlaceMatch | None:
    while c.place is None and c.parent is not None:
        c = c.parent
    return c.place


def _norm_place(s: str) -> str:
    return normalize(s).text


def _link_repeats(cands: list[Cand]) -> None:
    """The same count of the same victims again (headline and body) is `same_as` its first mention."""
    by_count: dict[tuple, list[Cand]] = {}
    for c in cands:
        if c.kind == "superseded" or (c.best is None and not c.vague):
            continue
        count = (c.status, "vague", c.min, c.max) if c.vague else (c.status, c.best)
        earlier = by_count.setdefault(count, [])
        for o in earlier[-_LOOKBACK // 4 :]:
            if c.sent == o.sent and c.parent is None:
                continue
            if not _repeat_groups(o, c) or (c.parent is None) != (o.parent is None):
                continue
            if c.parent is not None and _root(c.parent) is not _root(o.parent):
                continue
            if not _places_compatible(o, c):
                continue
            if c.sent == o.sent and c.parent is None:
                continue
            c.same = _root(o)
            break
        earlier.append(c)


def _link_other_sources(cands: list[Cand]) -> None:
    """Another source's different count of the same event in one article is `same_as` the first
    («60 according to state media ... the Observatory said 42»): same status and group, same day,
    same precise place, two different named sources."""
    heads = [
        c for c in cands
        if c.parent is None and c.same is None and c.kind == "incident" and c.best is not None
        and c.source and c.date_precision == "day"
    ]
    for idx, c in enumerate(heads):
        for o in heads[max(0, idx - _LOOKBACK // 4) : idx]:
            if o.same is not None or o.status != c.status or not _compatible_groups(o.group, c.group):
                continue
            if not (c.source and o.source and c.source != o.source):
                continue
            if not (c.date_value and c.date_value == o.date_value and c.date_precision == "day"):
                continue
            pc, po = _place_of(c), _place_of(o)
            if pc is None or po is None or min(_PLACE_RANK.get(pc.precision, 0), _PLACE_RANK.get(po.precision, 0)) < 5:
                continue
            if (pc.place_id or _norm_place(pc.text)) != (po.place_id or _norm_place(po.text)):
                continue
            c.same = o
            c.extra["same_event_other_source"] = True
            break


def _mark_superseded(ctx: _Context, cands: list[Cand]) -> None:
    for c in cands:
        if c.parent is not None or c.best is None:
            continue
        lo, hi = _window(ctx, cands, c)
        cue = _find(ctx, "kind_cues", lo, hi, roles=("superseded",))
        if not cue:
            continue
        newer = [
            o for o in cands[max(0, c.n - _LOOKBACK) : c.n + _LOOKBACK]
            if o is not c and o.parent is None and o.status == c.status and o.kind != "superseded"
            and _compatible_groups(o.group, c.group) and o.best is not None and o.best > c.best
            and _places_compatible(o, c)
        ]
        if newer:
            # the revised count of the same event: an incident before a toll, the closest count first
            o = min(newer, key=lambda o: (o.kind != "incident", o.best))
            c.kind, c.kind_cue, c.newer = "superseded", cue.surface, o


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
    return lo, hi


def _find(ctx: _Context, lex: str, lo: int, hi: int, roles: tuple[str, ...] | None = None) -> Mention | None:
    for m in ctx.mentions_in(lex, lo, hi):
        if roles is None or m.attrs.get("role") in roles:
            return m
    return None


def _kind(ctx: _Context, cands: list[Cand], c: Cand) -> None:
    """A running or period total (toll) or one event (incident)."""
    if c.kind == "superseded":
        return
    lo, hi = _window(ctx, cands, c)
    lo = max(lo, c.ti - 8)
    for m in ctx.mentions_in("kind_cues", lo, hi):
        role = m.attrs.get("role")
        if role == "toll_word":
            c.kind, c.kind_cue = "toll", m.surface
            return
        if role == "toll_period":
            if _next_is_short_time(ctx, m.j):
                continue  # «خلال الـ 24 ساعة»، "over the past 24 hours"
            if normalize(m.surface).text.lower() in _fw("since"):
                since = _date_at(ctx, m.j)
                if since is not None:
                    if _long_ago(ctx, since):
                        c.kind, c.kind_cue = "toll", m.surface
                        return
                    continue
                nxt = ctx.m("kind_cues", m.j)
                if nxt and nxt.attrs.get("role") == "short_since":
                    continue
            c.kind, c.kind_cue = "toll", m.surface
            return
    # «خلال سبتمبر», "in September": a whole month is a period
    for n in ctx.dates_in(lo, hi):
        d, a = ctx.dates[n], ctx.date_toks[n][0]
        if d.precision in ("month", "year") and a > 0 and not d.since:
            if _is(ctx.tokens[a - 1], "period_before_month"):
                c.kind, c.kind_cue = "toll", ctx.text[ctx.tokens[a - 1].start : d.end]
                return
    # «وبالإضافة إلى 16 مدنيا ...» after a toll in the same sentence continues its breakdown
    k = _prev_word(ctx, c.ti, ctx.sentence_span(c.sent)[0])
    also = ctx.m("connectives", k) if k >= 0 else None
    if also and also.attrs.get("role") == "also":
        prev = [
            o for o in cands[max(0, c.n - _LOOKBACK) : c.n]
            if o.sent == c.sent and o.tj <= c.ti and o.parent is None and o.kind == "toll"
        ]
        if prev:
            c.kind, c.kind_cue, c.parent = "toll", also.surface, prev[0]
            return


def _date_at(ctx: _Context, k: int) -> dates_mod.DateMatch | None:
    r = ctx.dates_in(k, k + 4)
    return ctx.dates[r[0]] if r else None


def _long_ago(ctx: _Context, d: dates_mod.DateMatch) -> bool:
    """Is a «since» date far enough back to make a period total (not «since last night»)?"""
    if d.precision in ("month", "year"):
        return True
    if d.date and ctx.published:
        try:
            return (ctx.published - dt.date.fromisoformat(d.date)).days >= 3
        except ValueError:
            return True
    return d.kind == "absolute"


def _continue_tolls(ctx: _Context, cands: list[Cand]) -> None:
    """A count with nothing of its own (no attack, date or place) after a period total
    belongs to that period: «قتل 3000 شخص خلال أيلول ... وأحصى المرصد مقتل 790 عنصرا»."""
    prev: Cand | None = None
    for c in cands:
        if c.parent is not None:
            continue
        if c.kind == "incident" and prev is not None and prev.kind == "toll" and c.same is None:
            lo, hi = _window(ctx, cands, c, tight=False)
            own = (
                _find(ctx, "attack_terms", lo, hi, roles=("attack", "battle"))
                or ctx.dates_in(lo, hi)
                or ctx.places_in(lo, hi)
            )
            if not own:
                c.kind, c.kind_cue = "toll", prev.kind_cue
                c.extra["toll_by_context"] = True
        prev = c


def _next_is_short_time(ctx: _Context, k: int) -> bool:
    k = _next_word(ctx, k, len(ctx.tokens))
    if k < 0:
        return False
    if ctx.tokens[k].kind == "num" and k + 1 < len(ctx.tokens):
        k += 1
    u = ctx.m("non_casualty", k)
    return bool(u and u.key == "time" and _is(ctx.tokens[k], "short_time"))


def _dates_in(ctx: _Context, c: Cand, lo: int, hi: int) -> tuple[dates_mod.DateMatch | None, dates_mod.DateMatch | None]:
    """(best resolved date, «since» date) in tokens [lo, hi): explicit dates first, then nearest."""
    found = []
    since = None
    for n in ctx.dates_in(lo, hi):
        d, (a, b) = ctx.dates[n], ctx.date_toks[n]
        if d.since:
            since = d
            continue
        if d.range_start or not d.date or _dates_the_report(ctx, a, b):
            continue
        dist = a - c.tj if a >= c.tj else c.ti - b
        found.append((-_DATE_RANK.get(d.kind, 0), dist, d))
    found.sort(key=lambda x: (x[0], x[1]))
    return (found[0][2] if found else None), since


def _dates_the_report(ctx: _Context, a: int, b: int) -> bool:
    """«أعلنت وزارة الدفاع أمس الاثنين أن ...»: a date between a verb of saying and «أن»."""
    after = [ctx.m("connectives", k) for k in range(b, min(len(ctx.tokens), b + 2))]
    if not any(m and m.attrs.get("role") == "that" for m in after):
        return False
    before = [ctx.m("connectives", k) for k in range(max(0, a - 6), a)]
    if not any(m and m.attrs.get("role") == "report" for m in before):
        return False
    # «أوضح الناشطون، ليل الثلاثاء، أن ...»: a time of day dates the event, not the statement
    return not _is(ctx.tokens[a], "time_of_day")


def _date(ctx: _Context, cands: list[Cand], c: Cand) -> None:
    d, since = _dates_in(ctx, c, *_window(ctx, cands, c))
    if d is None and since is None:
        d, since = _dates_in(ctx, c, *_window(ctx, cands, c, tight=False))
    if d is not None:
        c.date, c.date_value, c.date_precision = d, d.date, d.precision
        if c.kind == "toll" and d.precision == "month":
            c.date_value = _month_end(d.date, ctx.published)  # a toll is dated by the end of its period
    if since is not None:
        if c.kind == "toll" and since.date:
            c.date_from = since.date
        if c.date_value is None and ctx.published:
            c.date_value, c.date_precision = ctx.published.isoformat(), "day"
            c.date = since
    if c.date_value is None and c.kind == "toll" and ctx.published:
        c.date_value, c.date_precision = ctx.published.isoformat(), "day"


def _month_end(value: str, published: dt.date | None) -> str:
    y, m = int(value[:4]), int(value[5:7])
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))
    if published and published < last:
        last = published
    return last.isoformat()


def _main_city(ctx: _Context) -> int | None:
    """The first city (else governorate) the article names: where its tolls are counted."""
    for rank in ("city", "governorate"):
        for n, p in enumerate(ctx.places):
            if p.precision == rank and not p.rural:
                return n
    return None


def _best_place(
    ctx: _Context, c: Cand, lo: int, hi: int, right_only: bool = False, nearest: bool = False
) -> int | None:
    best = None
    for n in ctx.places_in(lo, hi):
        p, (a, b) = ctx.places[n], ctx.place_toks[n]
        if not right_only or a >= c.tj:
            dist = a - c.tj if a >= c.tj else c.ti - b
            rank = _PLACE_RANK.get(p.precision, 0) if not p.rural else 3
            key = (-abs(dist),) if nearest else (rank, a >= c.tj, -abs(dist))
            if best is None or key > best[0]:
                best = (key, n)
    return best[1] if best else None


def _place(ctx: _Context, cands: list[Cand], c: Cand) -> None:
    """The most precise place named in the figure's clause (then sentence), with the places
    coordinated with it: «حارتي السخاني والبدو ومنطقة الحديقة البيضاء»."""
    if c.kind == "toll":
        n = _best_place(ctx, c, *_window(ctx, cands, c), right_only=True, nearest=True)
        if n is None:
            n = _main_city(ctx)
    else:
        n = _best_place(ctx, c, *_window(ctx, cands, c))
        if n is None:
            n = _best_place(ctx, c, *_window(ctx, cands, c, tight=False))
    if n is None:
        return
    c.place = ctx.places[n]
    last = n
    while last + 1 < len(ctx.places):
        _, b = ctx.place_toks[last]
        a2, _ = ctx.place_toks[last + 1]
        between = ctx.tokens[b:a2]
        glued = a2 == b and ctx.tokens[a2].text.startswith("و")
        if glued or (len(between) == 1 and between[0].text == "و"):
            last += 1
        else:
            break
    if last > n:
        c.place_span = (ctx.places[n].start, ctx.places[last].end)


def _agents(ctx: _Context, c: Cand, lo: int, hi: int) -> list[tuple[int, int, Mention, bool]]:
    """Actors in tokens [lo, hi) that did the attacking: (strength, distance, mention, hedged)."""
    out = []
    for a in ctx.mentions_in("actors", lo, hi):
        if c.group == "fighters" and _names_side(ctx, c, a):
            continue  # the victims' own side
        prev = [ctx.m("attack_terms", k) for k in range(max(lo, a.i - 6), a.i)]
        if any(p and p.attrs.get("role") == "control" for p in prev[-3:]):
            continue  # «تحت سيطرة تنظيم الدولة»، "against IS"
        hedge = any(p and p.attrs.get("role") == "hedge" for p in prev)
        near = any(p and p.attrs.get("role") == "attack" for p in prev[-3:])
        far = any(p and p.attrs.get("role") == "attack" for p in prev)
        own = any(w in normalize(a.surface).text.lower() for w in _fw("aircraft"))
        after = [ctx.m("attack_terms", k) for k in range(a.j, min(hi, a.j + 2))]
        subject = any(f and f.attrs.get("role") == "attack" for f in after) or any(
            (t := ctx.m("casualty_terms", k)) and t.key in ("kill_verb", "en_kill") for k in range(a.j, min(hi, a.j + 2))
        )
        strength = 3 if (near or own) else 2 if (far or subject) else 1
        out.append((strength, abs(a.i - c.ti), a, hedge))
    out.sort(key=lambda x: (-x[0], x[1]))
    return out


def _perpetrator(ctx: _Context, cands: list[Cand], c: Cand) -> None:
    """Who did the killing, read in the figure's clause, then in its sentence."""
    slo, shi = ctx.sentence_span(c.sent)
    battle = _find(ctx, "attack_terms", slo, shi, roles=("battle",))
    lo, hi = _window(ctx, cands, c)
    wlo, whi = _window(ctx, cands, c, tight=False)
    for a, b in ((lo, hi), (wlo, whi)):
        agents = [x for x in _agents(ctx, c, a, b) if x[0] >= 2]
        if agents:
            _, _, m, hedge = agents[0]
            c.perp_mention = m
            c.perpetrator = "unknown" if hedge else m.attrs.get("perpetrator")
            return
    if battle:
        sides = {m.attrs.get("perpetrator") for m in ctx.mentions_in("actors", slo, shi)}
        if len(sides) >= 2:
            c.mixed_perpetrators = True  # «معارك بين القوات السورية وتنظيم داعش»
            return
    weak = _agents(ctx, c, wlo, whi) if c.group != "fighters" else []
    if weak:
        _, _, m, hedge = weak[0]
        c.perp_mention = m
        c.perpetrator = "unknown" if hedge else m.attrs.get("perpetrator")
        return
    if _find(ctx, "attack_terms", wlo, whi, roles=("hedge",)):
        c.perpetrator = "unknown"


def _article_perpetrator(ctx: _Context, cands: list[Cand]) -> str | None:
    """The article's one attacker, when every attacker it names is the same."""
    named = {c.perpetrator for c in cands if c.perpetrator}
    if len(named) == 1 and "unknown" not in named:
        return named.pop()
    return None


def _names_side(ctx: _Context, c: Cand, a: Mention) -> bool:
    """«200 من مقاتلي تنظيم الدولة»، «790 عنصرا من قوات النظام»، "120 Daesh militants"."""
    if c.ti <= a.i < c.tj:
        return True
    k = c.tj
    while k < a.i and k < c.tj + 3 and (
        _is(ctx.tokens[k], "side_link") or ctx.tokens[k].kind == "punct" and ctx.tokens[k].text not in _CLAUSE_PUNCT
    ):
        k += 1
    return k == a.i


def _side(ctx: _Context, c: Cand) -> None:
    if c.group != "fighters":
        return
    for a in ctx.mentions_in("actors", c.ti, c.tj + 6):
        if _names_side(ctx, c, a):
            c.side = a.attrs.get("side")
            return
    gm = c.group_mention
    if gm and gm.attrs.get("side"):
        c.side = gm.attrs["side"]


def _source(ctx: _Context, cands: list[Cand], c: Cand) -> None:
    lo, hi = ctx.sentence_span(c.sent)
    best = None
    starts = ctx.mention_i["sources"]
    k = bisect_left(starts, c.ti)
    for idx in (k - 1, k):  # the nearest source on either side, within the sentence
        if 0 <= idx < len(starts) and lo <= starts[idx] < hi:
            s = ctx.mentions["sources"][idx]
            d = abs(s.i - c.ti)
            if best is None or d < best[0]:
                best = (d, s)
    if best:
        c.source, c.source_mention = best[1].key, best[1]


def _article_source(ctx: _Context) -> Mention | None:
    keys = {m.key for m in ctx.mentions["sources"]}
    if len(keys) == 1:
        return ctx.mentions["sources"][0]
    return None


def _share_attributes(ctx: _Context, cands: list[Cand]) -> None:
    groups: dict[int, list[Cand]] = {}
    for c in cands:
        groups.setdefault(id(_root(c)), []).append(c)
    for members in groups.values():
        placed = max(
            (m for m in members if m.place),
            key=lambda m: _PLACE_RANK.get(m.place.precision, 0) if not m.place.rural else 3,
            default=None,
        )
        place = placed.place if placed else None
        dated = sorted((m for m in members if m.date_value), key=lambda m: -_DATE_RANK.get(m.date.kind, 0) if m.date else 0)
        perp = next((m for m in members if m.perpetrator and m.perpetrator != "unknown"), None) or next(
            (m for m in members if m.perpetrator), None
        )
        src = next((m for m in members if m.source), None)
        groups = {m.group for m in members}
        named = {m.group for m in members if m.group_from_noun and m.group != "people"}
        for m in members:
            if m.group == "people" and "civilians" in groups:
                m.group = "civilians"
            elif m.group == "people" and not m.group_from_noun and len(named) == 1:
                m.group = next(iter(named))  # "70 dead" repeats "70 fighters"
            if place and (m.place is None or _PLACE_RANK.get(place.precision, 0) > _PLACE_RANK.get(m.place.precision, 0)):
                m.place, m.place_span = place, placed.place_span
            if dated and not m.date_value:
                m.date, m.date_value, m.date_precision = dated[0].date, dated[0].date_value, dated[0].date_precision
            if perp and (m.perpetrator is None or (m.perpetrator == "unknown" and perp.perpetrator != "unknown" and not m.perp_mention)):
                m.perpetrator, m.perp_mention = perp.perpetrator, perp.perp_mention
            if src and not m.source:
                m.source, m.source_mention = src.source, src.source_mention
    # breakdowns take what their total says, where they say nothing themselves
    for c in cands:
        p = c.parent
        if p is None:
            continue
        if c.kind == "incident" and p.kind != "incident":
            c.kind = p.kind
        if c.place is None:
            c.place, c.place_span = p.place, p.place_span
        if c.date_value is None:
            c.date, c.date_value, c.date_precision, c.date_from = p.date, p.date_value, p.date_precision, p.date_from
        if c.perpetrator is None and not c.mixed_perpetrators:
            c.perpetrator, c.perp_mention = p.perpetrator, p.perp_mention
            c.mixed_perpetrators = p.mixed_perpetrators
        if c.source is None:
            c.source, c.source_mention = p.source, p.source_mention
    for c in cands:  # an earlier count is of the same event as the count that replaced it
        n = c.newer
        if n is not None:
            if c.place is None:
                c.place, c.place_span = n.place, n.place_span
            if c.date_value is None:
                c.date, c.date_value, c.date_precision = n.date, n.date_value, n.date_precision
            if c.perpetrator in (None, "unknown") and not c.perp_mention and n.perpetrator:
                c.perpetrator, c.perp_mention = n.perpetrator, n.perp_mention
            if c.source is None:
                c.source, c.source_mention = n.source, n.source_mention
    _inherit_from_previous(cands)
    # a guessed group (قتلى، العشرات) takes the group of the victims the article is about
    explicit = {c.group for c in cands if c.group_from_noun}
    for c in cands:
        if c.group == "people" and not c.group_from_noun:
            p = c.parent
            if p is not None and p.group == "civilians" and explicit:
                c.group = "civilians"
    art_src = _article_source(ctx)
    art_perp = _article_perpetrator(ctx, cands)
    for c in cands:
        if c.source is None and art_src is not None:
            c.source, c.source_mention = art_src.key, art_src
        if c.perpetrator is None and not c.mixed_perpetrators:
            c.perpetrator = art_perp or "unknown"


def _dates_from_parts(cands: list[Cand]) -> None:
    """A total with no date of its own takes the date its breakdowns give («قتل خمسون مدنيا ...
    وأوضح الناشطون، ليل الثلاثاء، أن ... مقتل أربعين مدنيا»)."""
    for c in cands:
        p = c.parent
        if p is not None and p.date_value is None and c.date_value is not None and p.kind == c.kind == "incident":
            p.date, p.date_value, p.date_precision = c.date, c.date_value, c.date_precision
            p.extra["date_from_parts"] = True


def _inherit_from_previous(cands: list[Cand]) -> None:
    """A report goes on about the same event until it names another: a count that names no place
    or date takes those of the count before it («وأكدت المصادر استشهاد ثلاثين مدنيا» after «... في حي
    التوسيعة اليوم الجمعة»). Tolls keep their own."""
    prev: Cand | None = None
    for c in cands:
        if c.kind == "toll":
            continue
        same_story = prev is not None and (
            c.perpetrator in (None, "unknown") or prev.perpetrator in (None, "unknown") or c.perpetrator == prev.perpetrator
        ) and not c.extra.get("new_topic")
        if prev is not None and prev.kind != "toll" and same_story:
            if c.place is None and prev.place is not None:
                c.place, c.place_span = prev.place, prev.place_span
                c.extra["place_from_context"] = True
            if c.date_value is None and prev.date_value is not None:
                c.date, c.date_value, c.date_precision = prev.date, prev.date_value, prev.date_precision
                c.extra["date_from_context"] = True
        prev = c
    # a headline before the body: it reports the event the body dates
    first_dated = next((c for c in cands if c.kind == "incident" and c.date_value and c.parent is None), None)
    if first_dated is not None:
        for c in cands:
            if c is first_dated:
                break
            if c.kind == "incident" and c.date_value is None and c.perpetrator in (first_dated.perpetrator, None, "unknown"):
                c.date, c.date_value, c.date_precision = first_dated.date, first_dated.date_value, first_dated.date_precision
                c.extra["date_from_context"] = True


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
        confidence=round(c.confidence, 2), rule_id=c.rule, extractor_version=version(), lang=c.lang,
        extra=dict(c.extra, kind_cue=c.kind_cue) if c.kind_cue else dict(c.extra),
    )


def guess_language(text: str) -> str:
    arabic = len(re.findall(r"[\u0600-\u06FF]", text[:5000]))
    latin = len(re.findall(r"[A-Za-z]", text[:5000]))
    return "en" if latin > arabic else "ar"


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
    taken = {k for c in cands for k in range(c.ti, c.tj)}
    cands += _read_lone_nouns(ctx, taken, cands)
    cands.sort(key=lambda c: c.start)
    if not cands:
        return []
    for n, c in enumerate(cands):
        c.n = n
    _link_parts(ctx, cands)
    for c in cands:
        if c.parent is None:
            _place(ctx, cands, c)
    _link_repeats(cands)
    for c in cands:
        if c.parent is None:
            _kind(ctx, cands, c)
    _continue_tolls(ctx, cands)
    _sum_breakdowns(cands)
    _group_breakdowns(cands)
    _mark_superseded(ctx, cands)
    for c in cands:
        _date(ctx, cands, c)
        if c.kind == "toll" and c.parent is None:
            c.place, c.place_span = None, None  # a toll's place is the one it is counted over
        if c.place is None and not (c.parent is not None and c.parent.kind == "toll"):
            _place(ctx, cands, c)
        _perpetrator(ctx, cands, c)
        _side(ctx, c)
        _source(ctx, cands, c)
    _dates_from_parts(cands)
    _link_other_sources(cands)
    _share_attributes(ctx, cands)
    for n, c in enumerate(cands, 1):
        c.id = f"f{n}"
    return [_to_figure(ctx, c) for c in cands]
