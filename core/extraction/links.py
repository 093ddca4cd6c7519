"""Steps 3 and 4 of the extractor (`core.extraction.extract`): breakdowns (`part_of`), repeats
(`same_as`) and counts the article revises (`superseded`).
"""

from __future__ import annotations

import logging

from core.extraction import dates as dates_mod
from core.extraction import places
from core.extraction.context import (
    _LOOKBACK,
    _PLACE_RANK,
    Cand,
    _bracketed_at,
    _Context,
    _find,
    _fw,
    _is,
    _window,
)
from core.extraction.normalize import normalize

log = logging.getLogger(__name__)
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
            and _may_be_part(c, prev.parent)  # «4 قتلى بينهم طفلان، و15 إصابة»: the wounded are no part
            and (
                _only_conjunction_between(ctx, prev.tj, c.ti)
                or (_after_and(ctx, c.ti) and c.ti - prev.tj <= 10 and not _heads_between(cands, prev, c))
            )
        )
        if c.part_cue and head is not None and head is not c and _may_be_part(c, head):
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


def _may_be_part(c: Cand, o: Cand) -> bool:
    """Can count c be some of count o? The same status (or c has none of its own yet), and
    fighters named as such are no part of civilians («الذين قتل منهم 28 عنصراً» after the wounded)."""
    same_status = c.status is None or o.status in (c.status, None)
    other_side = c.group == "fighters" and c.group_from_noun and o.group in ("civilians", "children", "women")
    # «ثمانية أطفال وأربعة أطباء»: doctors are no part of a count of children
    disjoint = o.group in ("children", "women") and c.group_from_noun and not _subgroup(c.group, o.group)
    return same_status and not other_side and not disjoint


def _latest_head_before(cands: list[Cand], c: Cand) -> Cand | None:
    for o in reversed(cands[max(0, c.n - _LOOKBACK) : c.n]):
        if o.parent is None and _may_be_part(c, o) and o.best is not None and (c.best or 0) <= o.best:
            return o
    return None


def _sum_breakdowns(cands: list[Cand]) -> None:
    """Later counts that add up exactly to an earlier count are its breakdown (40 + 10 of the 50)."""
    heads = [c for c in cands if c.parent is None and c.same is None and c.kind == "incident"]
    is_head = {id(c) for c in heads}
    for h in heads:
        if h.best is None or h.vague or h.best < 3:
            continue  # 1 + 1 = 2 is a coincidence too easily met
        run: list[Cand] = []
        total = linked = 0
        for o in cands[h.n + 1 : h.n + 1 + 2 * _LOOKBACK]:
            if o.parent is h and o.status == h.status and o.best is not None and not o.vague:
                total += o.best  # «وقتل خمسة منهم ...، وقتل ثلاثة آخرون»: a part already known counts
                linked += 1
                continue
            if id(o) not in is_head or o.status != h.status or o.parent is not None or o.same is not None:
                continue
            if o.best is None or o.vague or o.sent == h.sent and not run and o.ti < h.ti:
                break
            if o.best >= h.best or not _places_compatible(o, h):
                break  # a count in another village is not part of a count of this one
            if not _subgroup(o.group, h.group):
                break  # a man is no part of a count of children
            run.append(o)
            total += o.best
            if total >= h.best:
                break
        if run and len(run) + linked >= 2 and total == h.best:
            for o in run:
                o.parent = h
                o.extra["part_by_sum"] = True


def _sum_totals(ctx: _Context, cands: list[Cand]) -> None:
    """«وصل عدد شهداء البلدة اليوم إلى 15» after counts of 9 and 6: a count named as a total
    («عدد الشهداء», 'the toll') that equals the sum of the counts told before it adds them up; it is
    their total (a toll), not a new event."""
    heads = [c for c in cands if c.parent is None and c.same is None and c.kind == "incident"]
    for idx, h in enumerate(heads):
        if h.best is None or h.vague or idx < 2:
            continue
        lo, _ = _window(ctx, cands, h)
        lo = max(ctx.sentence_span(h.sent)[0], lo - 6)
        if not any(m.key == "toll_killed" for m in ctx.mentions_in("casualty_terms", lo, h.ti)):
            continue
        total, n = 0, 0
        for o in reversed(heads[max(0, idx - _LOOKBACK // 4) : idx]):
            if o.status != h.status or o.best is None or o.vague or not _compatible_groups(o.group, h.group):
                break
            total += o.best
            n += 1
            if total >= h.best:
                break
        if n >= 2 and total == h.best:
            h.kind, h.kind_cue = "toll", "sum"
            h.extra["total_of_counts_before"] = True


def _group_breakdowns(ctx: _Context, cands: list[Cand]) -> None:
    """Children or women counted after a count of civilians of the same event are part of it; the
    next item of their list ("44 children and 36 women") is part of the same count."""
    for idx, c in enumerate(cands):
        if c.parent is not None or c.group not in ("children", "women") or c.best is None:
            continue
        prev = cands[idx - 1] if idx else None
        if (
            prev is not None and prev.parent is not None and prev.extra.get("part_by_group") and prev.sent == c.sent
            and prev.status == c.status and _only_conjunction_between(ctx, prev.tj, c.ti)
        ):
            c.parent, c.kind = prev.parent, prev.kind
            c.extra["part_by_group"] = True
            continue
        own_clause = c.rule.startswith("lone-noun-after-trigger")  # «واستشهدت طفلة»: a report of its own
        for o in reversed(cands[max(0, idx - _LOOKBACK) : idx]):
            if own_clause and o.sent != c.sent:
                break
            if (
                o.parent is None and o.group in ("civilians", "people") and o.status == c.status
                and o.best is not None and o.best > c.best and o.kind == c.kind and _places_compatible(o, c)
            ):
                c.parent = _root(o) if o.same is not None else o
                c.extra["part_by_group"] = True
                break


# ---- step 4: repeats and revisions ---------------------------------------------------------------
def _subgroup(part: str, whole: str) -> bool:
    """Can victims of group ``part`` be some of victims of group ``whole``?"""
    if part == whole or whole == "people":
        return True
    return whole == "civilians" and part in ("children", "women", "people")


def _compatible_groups(a: str, b: str) -> bool:
    return a == b or {a, b} == {"civilians", "people"}


def _repeat_groups(a: Cand, b: Cand) -> bool:
    """Groups two counts of the same victims may carry: the same, civilians~people, or a guessed
    'people' («70 قتيلا»، "70 dead") against any group."""
    if _compatible_groups(a.group, b.group):
        return True
    if a.parent is not None or b.parent is not None:
        return False
    numeral = a.rule.startswith("number") or b.rule.startswith("number")  # not two lone nouns (الشاب، طفل)
    if "people" in (a.group, b.group) and a.sent != b.sent and numeral:
        return True  # «20 شخصا» in one account, «20 من عناصر الأسايش» in another: who they were is added
    return (a.group == "people" and not a.group_from_noun) or (b.group == "people" and not b.group_from_noun)


def _root(c: Cand) -> Cand:
    while c.same is not None:
        c = c.same
    return c


def _places_compatible(a: Cand, b: Cand, repeat: bool = False) -> bool:
    """Can counts a and b be of one place? (``repeat``: of the same event, so two named towns differ.)"""
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
        return places.same_place_text(pa.text, pb.text)  # «حي عش الورور» is one of «حيي عش الورور وباب توما»
    totals = "total" in a.rule or "total" in b.rule  # «ليرتفع إلى 40»: a total counts beyond its clause's place
    totals = totals or a.extra.get("place_near") or b.extra.get("place_near")  # «قرب تدمر»: only near it
    if repeat and not totals and pa.precision in _SETTLEMENTS and pb.precision in _SETTLEMENTS:
        # two towns or cities by name: «مدينة الحراك» and «بلدة المسيفرة» are two events
        return places.same_place_text(pa.text, pb.text)
    return True


_SETTLEMENTS = ("city", "town", "village")


def _place_of(c: Cand) -> places.PlaceMatch | None:
    while c.place is None and c.parent is not None:
        c = c.parent
    return c.place


def _norm_place(s: str) -> str:
    return normalize(s).text


def _own_day(ctx: _Context, c: Cand) -> str | None:
    """The day the count's own clause names, resolved (against a stand-in day when the article has
    no publication date, so «اليوم» and «الخامس والعشرين من الشهر الماضي» still differ)."""
    lo, hi = _window(ctx, [], c, tight=False)
    for n in ctx.dates_in(lo, hi):
        d = ctx.dates[n]
        if d.since or d.range_start:
            continue
        if d.precision == "day":
            return d.date
        if d.date is None and d.kind != "weekday" and dates_mod.names_a_day(d):
            return "~" + dates_mod.resolved_anyway(d).date
        return None
    return None


def _precise(c: Cand) -> bool:
    p = _place_of(c)
    return p is not None and _PLACE_RANK.get(p.precision, 0) >= 5


def _same_day_or_unknown(ctx: _Context, a: Cand, b: Cand) -> bool:
    da, db = _own_day(ctx, a), _own_day(ctx, b)
    return not (da and db and da != db)


def _name_after(ctx: _Context, c: Cand) -> str | None:
    """The name in brackets or quotes right after a lone noun («الشاب (ممدوح علي)»), else None."""
    q = _bracketed_at(ctx, c.tj, len(ctx.tokens)) if c.best == 1 else None
    if q is None:
        return None
    return " ".join(t.text for t in ctx.tokens[c.tj + 1 : q] if t.kind in ("ar", "en")) or None


def _count_key(c: Cand) -> tuple:
    return (c.status, "vague", c.min, c.max) if c.vague else (c.status, c.best)


def _link_repeats(ctx: _Context, cands: list[Cand]) -> None:
    """The same count of the same victims again (headline and body) is `same_as` its first mention,
    unless their clauses name two different days."""
    by_count: dict[tuple, list[Cand]] = {}
    for c in cands:
        if c.kind == "superseded" or (c.best is None and not c.vague):
            continue
        prev = cands[c.n - 1] if c.n else None
        if (
            prev is not None and prev.sent == c.sent and prev.parent is None and c.parent is None
            and prev.same is None and _only_conjunction_between(ctx, prev.tj, c.ti)
        ):
            by_count.setdefault(_count_key(c), []).append(c)
            continue  # «كما قتل ثلاثة مدنيين وعنصر»: the next item of a new list is new too
        earlier = by_count.setdefault(_count_key(c), [])
        for o in earlier[-_LOOKBACK // 4 :]:
            if c.sent == o.sent and c.parent is None:
                continue
            if not _repeat_groups(o, c) or (c.parent is None) != (o.parent is None):
                continue
            if c.parent is not None and _root(c.parent) is not _root(o.parent):
                continue
            if c.parent is not None and c.sent == o.sent:
                continue  # «بينهم طفلتان وطفلان»: a breakdown names each of its parts once
            if not _places_compatible(o, c, repeat=True):
                continue
            if c.sent == o.sent and c.parent is None:
                continue
            na, nb = _name_after(ctx, o) or _name_after(ctx, _root(o)), _name_after(ctx, c)
            if na and nb and na != nb:
                continue  # «الشاب (دياب …)» and «والشاب (ممدوح …)»: two people
            if not _same_day_or_unknown(ctx, o, c):
                continue  # «استشهدت أم اليوم» and «في الخامس والعشرين من الشهر الماضي استشهدت امرأة»
            c.same = _root(o)
            break
        earlier.append(c)


def _link_other_sources(cands: list[Cand]) -> None:
    """Another source's different count of the same event in one article is `same_as` the first
    («60 according to state media ... the Observatory said 42»): same status and victims, the same
    place, no other day, and the later count told by a named source the first is not told by (the
    first may be the article's own voice: «قتل 7 … ووثقت الطبابة الشرعية استشهاد 6»)."""
    heads = [
        c for c in cands
        if c.parent is None and c.same is None and c.kind == "incident" and c.best is not None and not c.vague
    ]
    for idx, c in enumerate(heads):
        if not c.source:
            continue
        for o in heads[max(0, idx - _LOOKBACK // 4) : idx]:
            if o.same is not None or o.status != c.status or not _repeat_groups(o, c) or o.sent == c.sent:
                continue
            if o.source == c.source or o.best == c.best or min(o.best, c.best) * 2 < max(o.best, c.best):
                continue
            if o.date_value != c.date_value or (c.date_value and c.date_precision != "day"):
                continue
            pc, po = _place_of(c), _place_of(o)
            if pc is None or po is None:
                continue
            if not (pc.place_id and pc.place_id == po.place_id) and not places.same_place_text(pc.text, po.text):
                continue
            if not o.source and _PLACE_RANK.get(pc.precision, 0) < 4:
                continue  # the article's own count against a source's: only in one named city or nearer
            c.same = o
            c.extra["same_event_other_source"] = True
            break


def _mark_superseded(ctx: _Context, cands: list[Cand]) -> None:
    for c in cands:
        if c.parent is not None or c.best is None:
            continue
        lo, hi = _window(ctx, cands, c)
        # «في وقت سابق» starts with the clause break «في وقت»: look a few words before the clause too
        lo = max(ctx.sentence_span(c.sent)[0], lo - 3)
        cue = _find(ctx, "kind_cues", lo, hi, roles=("superseded",))
        surface = cue.surface if cue else _earlier_report(ctx, c)
        if not surface:
            continue
        newer = [
            o for o in cands[max(0, c.n - _LOOKBACK) : c.n + _LOOKBACK]
            if o is not c and o.parent is None and o.status == c.status and o.kind != "superseded"
            and _compatible_groups(o.group, c.group) and o.best is not None and o.best > c.best
            and _places_compatible(o, c, repeat=True) and _same_day_or_unknown(ctx, o, c)
            and not (o.kind == "toll" and _precise(c) and not _precise(o))  # a toll of many places adds it up
        ]
        if not newer and cue is not None and cue.attrs.get("either_way"):
            # "it had initially given a toll of 22" beside 21: the first count given, whichever is larger
            newer = [
                o for o in cands[max(0, c.n - _LOOKBACK) : c.n + _LOOKBACK]
                if o is not c and o.parent is None and o.status == c.status and o.kind == "incident"
                and _compatible_groups(o.group, c.group) and o.best is not None and o.best != c.best
            ]
            newer = sorted(newer, key=lambda o: abs(o.n - c.n))[:1]
        if newer:
            # the revised count of the same event: an incident before a toll, the closest count first
            o = min(newer, key=lambda o: (o.kind != "incident", o.best))
            c.kind, c.kind_cue, c.newer = "superseded", surface, o


def _earlier_report(ctx: _Context, c: Cand) -> str | None:
    """«وكان المرصد أفاد مساء الاثنين عن مقتل 148», "the monitor had reported": a pluperfect
    «كان» with a reporting verb within five words («وكانت حصيلة أولية للمرصد أفادت») tells what
    was reported before; its text."""
    lo, hi = ctx.sentence_span(c.sent)[0], c.ti
    # «وكان المرصد قال إن غارات السادس من الشهر قتلت 53»: a report of an event with its own day
    dated = [ctx.dates[n] for n in ctx.dates_in(lo, c.tj + 6)]
    if any(d.precision == "day" or (d.kind == "absolute" and dates_mod.names_a_day(d)) for d in dated):
        return None  # (a weekday of the same week, «مساء الاثنين», may still be the earlier count)
    was = _fw("pluperfect")
    for k in range(lo, hi):
        if not any(f in was for f in ctx.tokens[k].forms):  # «وكانت»: any bare form (not only the last)
            continue
        for q in range(k + 1, min(hi, k + 6)):
            m = ctx.m("connectives", q)
            if m is not None and m.attrs.get("role") == "report":
                return ctx.text[ctx.tokens[k].start : ctx.tokens[m.j - 1].end]
    return None


def _link_revisions(ctx: _Context, cands: list[Cand]) -> None:
    """«ارتفعت الحصيلة إلى 25»: a count the article says the toll rose to is the same event as the
    first count of it before (same status and victims, compatible place and attacker), not a new one."""
    for c in cands:
        if c.parent is not None or c.same is not None or c.kind != "incident" or c.best is None or c.vague:
            continue
        lo, hi = _window(ctx, cands, c)
        lo = max(ctx.sentence_span(c.sent)[0], lo - 6)
        rose = _find(ctx, "kind_cues", lo, c.ti, roles=("rose",))
        if rose is None:
            continue
        # the toll itself must be named before the count: «ارتفعت الحصيلة»، «عدد الشهداء ارتفع إلى»
        named = any(w in rose.surface for w in ("حصيل", "عدد", "toll")) or any(
            m.key == "toll_killed" for m in ctx.mentions_in("casualty_terms", lo, c.ti)
        )
        if not named:
            continue
        for o in cands[max(0, c.n - _LOOKBACK) : c.n]:
            if (
                o.parent is None and o.same is None and o.kind == "incident" and o.status == c.status
                and o.best is not None and not o.vague and o.best < c.best and _compatible_groups(o.group, c.group)
                and _places_compatible(o, c) and _attackers_compatible(o, c)
            ):
                if any(_is(ctx.tokens[k], "increment") for k in range(o.ti, min(len(ctx.tokens), o.tj + 2))):
                    o.parent = c  # «انتشال 4 جثث جديدة ... ليرتفع عدد الشهداء إلى 19»: the 4 are among the 19
                    o.extra["part_of_raised_toll"] = True
                else:
                    c.same = o
                    c.extra["same_event_revised"] = True
                break


def _attackers_compatible(a: Cand, b: Cand) -> bool:
    pa, pb = a.perpetrator, b.perpetrator
    return pa in (None, "unknown") or pb in (None, "unknown") or pa == pb


def _link_back_references(ctx: _Context, cands: list[Cand]) -> None:
    """«عدد قتلى التفجير تجاوز 50»، "the attack killed more than 100": a count whose clause names the
    event with the definite article counts the event told of just before (another source or a later
    count), not a new one: it is `same_as` the nearest earlier count of that event."""
    for c in cands:
        if c.parent is not None or c.same is not None or c.kind != "incident" or c.best is None:
            continue
        lo, hi = _window(ctx, cands, c)
        lo = max(ctx.sentence_span(c.sent)[0], lo - 3)  # «من جهته» is itself a clause break
        if not (
            any(m.attrs.get("refers_back") for m in ctx.mentions_in("kind_cues", lo, hi))
            or any(m.i > 0 and _is(ctx.tokens[m.i - 1], "demonstrative") for m in ctx.mentions_in("attack_terms", lo, hi))
            # «إن عدد القتلى تجاوز الـ160», "the death toll": the toll of the event already told
            or any(m.key == "toll_killed" for m in ctx.mentions_in("casualty_terms", lo, c.ti))
        ):
            continue  # nothing names the event again: «التفجير»، «هذه الغارات»، «ذات الانفجار»
        o = _event_told_before(cands, c)
        if o is not None:
            c.same = _root(o)
            c.extra["same_event_named_back"] = True


def _link_parts_to_next(ctx: _Context, cands: list[Cand]) -> None:
    """"Six civilians were among at least 22 people killed": a count followed by «among» and a larger
    count in the same sentence is part of that count."""
    for a, b in zip(cands, cands[1:], strict=False):
        if a.parent is not None or b.parent is a or a.sent != b.sent or b.ti - a.tj > 5:
            continue
        if a.best is None or b.best is None or b.best <= a.best or (a.status and b.status and a.status != b.status):
            continue
        if any(m.attrs.get("role") == "part_of_next" for m in ctx.mentions_in("connectives", a.tj, b.ti)):
            a.parent = b
            a.status = a.status or b.status
            a.extra["part_of_next"] = True


def _spread_superseded(ctx: _Context, cands: list[Cand]) -> None:
    """An earlier count is earlier in all its mentions (a repeat of it is superseded too), and so is
    the count joined to it by «و» in the same statement («مقتل 3 وإصابة أكثر من 20» said earlier),
    when the article gives a newer, larger count for that one too."""
    for c in cands:
        if c.kind != "superseded" or c.parent is not None:
            continue
        _supersede_repeats(cands, c, c.kind_cue)
        partner = cands[c.n + 1] if c.n + 1 < len(cands) else None
        if (
            partner is None or partner.parent is not None or partner.kind != "incident" or partner.sent != c.sent
            or partner.status == c.status or partner.best is None or partner.ti - c.tj > 3
            or not (ctx.tokens[c.tj].text.startswith("و") or ctx.tokens[c.tj].text in ("و", "and"))
        ):
            continue
        newer = [
            o for o in cands if o is not partner and o.parent is None and o.status == partner.status
            and o.kind == "incident" and o.best is not None and o.best > partner.best and o.same is not partner
            and _compatible_groups(o.group, partner.group) and _places_compatible(o, partner)
        ]
        if newer:
            partner.kind, partner.kind_cue, partner.newer = "superseded", c.kind_cue, min(newer, key=lambda o: o.best)
            _supersede_repeats(cands, partner, c.kind_cue)


def _supersede_repeats(cands: list[Cand], c: Cand, cue: str | None) -> None:
    """The later mentions of a superseded count are superseded by the same newer count."""
    for o in cands[c.n + 1 : c.n + _LOOKBACK]:
        if o.same is c and o.kind == "incident":
            o.kind, o.kind_cue, o.newer = "superseded", cue, c.newer


def _link_other_accounts(ctx: _Context, cands: list[Cand]) -> None:
    """"The Observatory says 34 people were killed" after "rocket attacks kill at least 30": a count
    that a named source gives, with no day, place or attack of its own, is that source's account of
    the event told just before (same status and victims, compatible attacker), not a new event."""
    for c in cands:
        if c.parent is not None or c.same is not None or c.kind != "incident" or c.best is None or not c.source:
            continue
        lo, hi = _window(ctx, cands, c, tight=True)
        if _has_own_event(ctx, c, lo, hi):
            continue
        o = _event_told_before(cands, c)
        if o is not None and o.best != c.best and o.source != c.source:
            c.same = _root(o)
            c.extra["same_event_other_account"] = True


def _link_other_counts(ctx: _Context, cands: list[Cand]) -> None:
    """"Rescue workers gave a higher toll of 23 dead", "another group put the toll at 30": a count the
    article calls another count (kind_cues role 'other_count') is the event told just before it
    (same status, compatible victims and attacker), wherever its source or day stands."""
    for c in cands:
        if c.parent is not None or c.same is not None or c.kind != "incident" or c.best is None:
            continue
        lo, hi = _window(ctx, cands, c)
        lo = max(ctx.sentence_span(c.sent)[0], lo - 6)
        cue = _find(ctx, "kind_cues", lo, c.tj, roles=("other_count",))
        if cue is None:
            continue
        for o in reversed(cands[max(0, c.n - _LOOKBACK) : c.n]):
            if o.parent is not None or o.kind != "incident" or o.status != c.status or o.best is None:
                continue
            if _compatible_groups(o.group, c.group) and _attackers_compatible(o, c):
                c.same = _root(o)
                c.extra["same_event_other_account"] = True
            break


def _event_told_before(cands: list[Cand], c: Cand) -> Cand | None:
    """The nearest earlier count of one event with c's status, when it can be the event c counts
    again (another sentence, compatible victims, place and attacker); else None."""
    for o in reversed(cands[max(0, c.n - _LOOKBACK) : c.n]):
        if o.parent is not None or o.kind != "incident" or o.status != c.status:
            continue
        if (
            o.sent != c.sent and o.best is not None and _compatible_groups(o.group, c.group)
            and _places_compatible(o, c) and _attackers_compatible(o, c)
        ):
            return o
        return None
    return None


def _has_own_event(ctx: _Context, c: Cand, lo: int, hi: int) -> bool:
    """A day, a precise place or an attack named in the count's own clause."""
    for n in ctx.dates_in(lo, hi):
        if ctx.dates[n].precision == "day" or ctx.dates[n].kind in ("relative", "weekday"):
            return True
    for n in ctx.places_in(lo, hi):
        if _PLACE_RANK.get(ctx.places[n].precision, 0) >= 5:
            return True
    return any(m.attrs.get("role") in ("attack", "battle") for m in ctx.mentions_in("attack_terms", lo, hi))

