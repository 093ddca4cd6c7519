"""Step 2b of the extractor (`core.extraction.extract`): victim nouns that count without a number —
«مقتل امرأة وابنتها» (1 + 1), «بينهم طفلان» (a dual is 2), «ممرضان … قتلا», «ورجل آخر» — with the status
the clause, the list they continue or the count before them gives.
"""

from __future__ import annotations

from functools import cache

from core.extraction import lexicon
from core.extraction.candidates import (
    _after_name,
    _after_that,
    _civil_body_after,
    _connective_before,
    _copula_status,
    _fate_near,
    _next_word,
    _prev_word,
    _right_trigger,
)
from core.extraction.context import _CLAUSE_PUNCT, Cand, _Context, _is
from core.extraction.normalize import normalize
from core.extraction.tokens import Mention, Token


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
        own_status = v.attrs.get("status")
        if number not in ("sg", "du") or (number == "sg" and not v.attrs.get("lone") and not own_status):
            continue
        sent = ctx.sent_of[v.i]
        lo, hi = ctx.sentence_span(sent)
        tok = ctx.tokens[v.i]
        glued_and = tok.text.startswith("و") and tok.text not in v.surface
        # where the «و» joining this noun to what precedes stands: glued (وامرأة) or apart (و امرأة)
        join = v.i if glued_and else v.i - 1 if v.i > lo and ctx.tokens[v.i - 1].text in ("و", "and") else None
        glued_and = join is not None
        conj = bool(glued_and and prev_lone is not None and (prev_lone.tj == join or _age_between(ctx, prev_lone.tj, join)))
        pm = ctx.m("victims", v.i - 1) if v.i > lo else None
        if not glued_and and pm is not None and pm.j == v.i and pm.attrs.get("number") == number and not pm.attrs.get("status"):
            continue  # «سيدة مدنية»، «طفل رضيع»: the second noun describes the first
        k = _prev_word(ctx, v.i, lo)
        article = k >= 0 and ctx.tokens[k].text in ("a", "an", "one", "another")
        if article:
            k = _prev_word(ctx, k, lo)  # "killed a journalist"
        trig = ctx.m("casualty_terms", k) if k >= 0 else None
        if not (trig and trig.j == k + 1 and trig.attrs.get("position") in ("before", "any")):
            trig = None
        if v.attrs.get("conjunct_only") and not conj and trig is None:
            continue  # «زوجته» counts after «قتل» or «و», not in «قال زوجته»
        nxt = _next_word(ctx, v.j, hi)
        if nxt >= 0 and normalize(ctx.tokens[nxt].text).text in _not_before(v.key):
            continue  # «قتلوا أم أنهم أحياء»: أم is 'or' here
        if own_status:
            # «سقوط شهيدتين»، «ارتقاء شهيد»: a status noun alone, as a dual or right after a killing word
            if (number == "du" or trig is not None) and not any(f.startswith("ال") for f in tok.forms[:2]):
                status = own_status if not (trig and trig.attrs["status"] != own_status) else trig.attrs["status"]
                c = _lone_cand(ctx, v, sent, status, "status-noun-alone", tok)
                # «شهيدتين من عائلة طراد» after «أكثر من 25 شهيدا»: naming some of the dead already counted
                c.part_back = trig is None and any(
                    o.sent < sent and o.status == status and (o.best or 0) > c.best for o in counted
                )
                out.append(c)
            prev_lone = None
            continue
        cue = _connective_before(ctx, v.i, lo, within=2)
        status = None
        rule = ""
        bracket = False
        if trig is not None:
            status, rule = trig.attrs["status"], "lone-noun-after-trigger"
        elif conj:
            status, rule = prev_lone.status, "lone-noun-conjunct"
        elif (cs := _copula_status(ctx, v.i, lo)) is not None:
            status, rule = cs, "lone-noun-copula"  # «إن القتلى هم سيدة مدنية و…»
        elif cue is not None and cue.attrs.get("role") == "part" and first_end.get(sent, v.i + 1) <= v.i:
            status, rule = None, "lone-noun-in-breakdown"
        elif v.i > lo and ctx.tokens[v.i - 1].text == "(" and any(
            e in ends and all(t.kind != "punct" for t in ctx.tokens[e : v.i - 1]) for e in range(v.i - 3, v.i)
        ):
            status, rule = None, "lone-noun-in-breakdown"  # «أربعة مدنيين (امرأتان وطفل وطفلة)»
            bracket = True
        elif glued_and and out and out[-1].tj == join:
            status, rule = out[-1].status, "lone-noun-list"
        elif glued_and and (item := _list_item_before(ctx, join, ends)) is not None:
            status, rule = item.status, "lone-noun-list"  # «وأربعة أطفال على الأقل، ورجل»
        elif article and number == "sg" and (r := _right_trigger(ctx, v.j, hi, limit=3)) is not None:
            status, rule = r.attrs["status"], "noun-then-verb"  # "another civilian was killed"
        elif number == "sg" and _after_that(ctx, v.i, lo) and (r := _right_trigger(ctx, _after_name(ctx, v.j, hi), hi, limit=2)):
            status, rule = r.attrs["status"], "noun-then-verb"  # «وأضاف أنّ السيدة قُتلت»، «أن الشاب توفي»
        elif number == "sg" and (prior := _another_after(ctx, v, hi, counted + out)) is not None:
            status, rule = prior.status, "lone-noun-another"  # «استشهد طفلان … ورجل آخر»: one more
        elif number == "du" or _noun_joined_after(ctx, v, hi):
            # «ممرضان ... قتلا»، «امرأة وطفلا قتلا»: the verb after the nouns gives their status
            r = _right_trigger(ctx, v.j, hi, limit=8)
            if r:
                status, rule = r.attrs["status"], "noun-then-verb"
        if not rule:
            prev_lone = None
            continue
        if _fate_near(ctx, v.i, v.j, lo, hi):
            continue
        c = _lone_cand(ctx, v, sent, status, rule, tok)
        c.part_cue = (cue is not None and cue.attrs.get("role") == "part") or bracket
        c.conjunct = conj
        if c.group == "inherit":
            c.group = "people"
        out.append(c)
        prev_lone = c
    return out


@cache
def _not_before(key: str) -> frozenset[str]:
    entry = lexicon.load("victims").get(key, {})
    return frozenset(normalize(w).text for w in entry.get("not_before", ()))


def _list_item_before(ctx: _Context, join: int, ends: dict[int, Cand]) -> Cand | None:
    """The count whose list the noun joined at token ``join`` goes on: it ends right before, or
    before a comma or a filler («على الأقل») only."""
    for e in range(join, max(-1, join - 5), -1):
        if e in ends:
            return ends[e]
        if e < join and not (ctx.tokens[e].kind == "punct" or _is(ctx.tokens[e], "list_filler")):
            return None
    return None


def _age_between(ctx: _Context, a: int, b: int) -> bool:
    """Tokens [a, b) are an age in apposition: «طفل بعمر (9) سنوات والشاب …», «(12 عاما)»."""
    if not 0 < b - a <= 6:
        return False
    toks = ctx.tokens[a:b]
    if any(t.text in _CLAUSE_PUNCT and t.text not in ("(", ")") for t in toks):
        return False
    has_num = any(t.kind == "num" for t in toks)
    unit = any((u := ctx.m("non_casualty", k)) is not None and u.key == "time" for k in range(a, b))
    return has_num and unit


def _another_after(ctx: _Context, v: Mention, hi: int, earlier: list[Cand]) -> Cand | None:
    """«ورجل آخر»، «وطفل آخر»: a noun with «آخر» after it is one more victim of the count told just
    before (in its sentence or the one before); that count, else None."""
    k = _next_word(ctx, v.j, hi)
    w = ctx.m("victims", k) if k >= 0 else None
    if not (w and w.i == k and w.key == "others" and ctx.tokens[k].text in ("آخر", "اخر", "أخرى", "اخرى")):
        return None
    sent = ctx.sent_of[v.i]
    # the sentence before too, when this one names what hit them («بأن مدنيا آخر تعرض لنيران …»)
    reach = 1 if any(m.attrs.get("role") == "attack" for m in ctx.mentions_in("attack_terms", v.j, hi)) else 0
    before = [c for c in earlier if c.status and c.ti < v.i and sent - reach <= c.sent <= sent]
    return max(before, key=lambda c: c.ti) if before else None


def _noun_joined_after(ctx: _Context, v: Mention, hi: int) -> bool:
    """Another victim noun joined by «و» right after this one: «امرأة وطفلا»."""
    k = _next_word(ctx, v.j, hi)
    if k < 0:
        return False
    if ctx.tokens[k].text in ("و", "and"):
        k = _next_word(ctx, k + 1, hi)
    elif not ctx.tokens[k].text.startswith("و"):
        return False
    w = ctx.m("victims", k) if k >= 0 else None
    return bool(w and w.i == k and not w.attrs.get("status"))


def _lone_cand(ctx: _Context, v: Mention, sent: int, status: str | None, rule: str, tok: Token) -> Cand:
    value = 2 if v.attrs.get("number") == "du" else 1
    group = v.attrs.get("group") or "people"
    if group == "fighters" and _civil_body_after(ctx, v.j, ctx.sentence_span(sent)[1]):
        group = "civilians"  # «إصابة عنصرين من الدفاع المدني»
    return Cand(
        ti=v.i, tj=v.j, start=v.start, end=v.end, number_text=ctx.text[v.start : v.end], sent=sent, min=value,
        best=value, max=value, status=status, group=group, group_mention=v, rule=rule,
        confidence=0.6, lang="en" if tok.kind == "en" else "ar",
    )
