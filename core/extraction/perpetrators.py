"""Part of step 5 of the extractor (`core.extraction.attributes`): who did the killing (perpetrator)
and whose fighters were killed (side), read in a figure's clause, then its sentence, then the article.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.extraction.context import _CLAUSE_PUNCT, Cand, _Context, _find, _fw, _is, _window
from core.extraction.normalize import normalize
from core.extraction.tokens import Mention

MIXED = "mixed"  # `_article_perpetrator`: the only attackers named share the counts


def _agents(
    ctx: _Context, c: Cand, lo: int, hi: int, victim_sides: frozenset[int] = frozenset(), cands: Sequence[Cand] = ()
) -> list[tuple[int, int, Mention, bool]]:
    """Actors in tokens [lo, hi) that did the attacking: (strength, distance, mention, hedged).
    ``victim_sides``: first tokens of actors that name the side of a count of fighters; ``cands``:
    the article's counts (an unknown attacker named past another count is that count's)."""
    out = []
    for a in ctx.mentions_in("actors", lo, hi):
        if (c.group == "fighters" and _names_side(ctx, c, a)) or a.i in victim_sides:
            continue  # the victims' own side, or the side of other dead counted beside them
        if _the_target(ctx, a, lo) or _names_a_source(ctx, a, lo) or _a_destination(ctx, a, lo):
            continue
        if a.i >= c.tj and _told_for_a_later_count(ctx, c, a, cands):
            continue
        reach = 6
        for h in ctx.mentions_in("attack_terms", max(lo, a.i - 8), a.i):
            if h.attrs.get("role") == "hedge" and h.j >= a.i - 2:
                reach += h.j - h.i  # «طائرات حربية لا يعلم ما إذا كانت روسية»: the attack word before the hedge
        prev = [ctx.m("attack_terms", k) for k in range(max(lo, a.i - reach), a.i)]
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
    for h in ctx.mentions_in("attack_terms", lo, hi):
        # «على يد جهات أخرى», "by unidentified parties": an attacker named as not known
        if h.attrs.get("role") == "hedge" and any(
            (b := ctx.m("attack_terms", k)) and b.key == "agent_by" for k in range(max(lo, h.i - 3), h.i)
        ) and not any(o.parent is None and o is not c and min(c.tj, h.i) <= o.ti < max(c.ti, h.i) for o in cands):
            out.append((3, abs(h.i - c.ti), h, True))
    # «وزارة الدفاع الروسية» reports the count: an actor named as the source is not who killed,
    # unless no one else is named ("the coalition acknowledged ... in its strikes")
    named = [x for x in out if ctx.m("sources", x[2].i) is None]
    if named:
        out = named
    out.sort(key=lambda x: (-x[0], x[1]))
    return out


def _told_for_a_later_count(ctx: _Context, c: Cand, a: Mention, cands: Sequence[Cand]) -> bool:
    """«استشهد طفلان جراء انفجار لغم ...، ورجل آخر بنيران قسد»: when a count has told its own cause,
    an attacker named after the next count is that count's."""
    starts = []
    after = cands[c.n + 1 :] if c.n < len(cands) and cands[c.n] is c else cands
    for o in after:
        if o.ti >= a.i:
            break
        if o is not c and o.parent is None and o.ti >= c.tj:
            starts.append(o.ti)
    # a victim noun opening the next item of a list («، ورجل آخر») starts another count too
    starts += [v.i for v in ctx.mentions_in("victims", c.tj, a.i)
               if v.i > 0 and ctx.tokens[v.i - 1].text in ("،", ",") and ctx.tokens[v.i].text.startswith("و")]
    nxt = min(starts, default=None)
    if nxt is None:
        return False
    return any((m := ctx.m("attack_terms", k)) is not None and m.attrs.get("role") == "attack" for k in range(c.tj, nxt))


def _the_target(ctx: _Context, a: Mention, lo: int) -> bool:
    """«تفجير استهدف دورية للتحالف»، «استهدف مقراً للأسايش», 'targeted an SDF post', «دورية التحالف»:
    the actor owns what was attacked. Not the subject right after the verb («استهدفت طائرات التحالف البلدة»)."""
    if a.i > lo and _is(ctx.tokens[a.i - 1], "post"):
        return True  # «كانوا يرافقون دورية التحالف الدولي», "an SDF checkpoint"
    for k in range(a.i - 1, max(lo, a.i - 5) - 1, -1):
        t = ctx.m("attack_terms", k)
        if t is None:
            continue
        if t.attrs.get("role") != "target":
            return False  # an attack word is nearer: «استهدفت البلدة غارات للتحالف»
        first = ctx.tokens[a.i]
        if first.kind != "ar":
            return True
        between = ctx.tokens[t.j : a.i]
        return bool(between) and (first.text.startswith("ل") or any(b.text.startswith(("ل", "تابع", "التابع")) for b in between))
    return False


def _a_destination(ctx: _Context, a: Mention, lo: int) -> bool:
    """«نقل 28 مصابا إلى المستشفيات التركية»: an actor's adjective on the place people were taken to."""
    for k in range(a.i - 2, max(lo, a.i - 3) - 1, -1):
        if _is(ctx.tokens[k], "destination"):
            return not any(ctx.m("attack_terms", j) is not None for j in range(k + 1, a.i))
    return False


def _names_a_source(ctx: _Context, a: Mention, lo: int) -> bool:
    """«أكد إعلام قسد», «وكالة هاوار التابعة للإدارة الذاتية»: the side's media tell it, the side did
    not do it (a media word just before the actor, or before «التابعة ل»)."""
    if a.i > 0 and _is(ctx.tokens[a.i - 1], "media"):
        return True
    for k in range(a.i - 1, max(lo, a.i - 4) - 1, -1):
        if ctx.tokens[k].text in _CLAUSE_PUNCT or ctx.m("attack_terms", k) is not None:
            break
        if _is(ctx.tokens[k], "media") and any(_is(ctx.tokens[j], "of") for j in range(k + 1, a.i)):
            return True  # «مصدر مقرب من الجيش السوري الحر», 'a source close to the SDF'
    for k in range(a.i - 1, max(lo, a.i - 4) - 1, -1):
        if ctx.tokens[k].text in _CLAUSE_PUNCT or ctx.m("attack_terms", k) is not None:
            return False
        if ctx.tokens[k].text.startswith(("تابع", "التابع")):
            return any(_is(ctx.tokens[j], "media") for j in range(max(lo, k - 3), k))
    return False


def _perpetrator(ctx: _Context, cands: list[Cand], c: Cand) -> None:
    """Who did the killing, read in the figure's clause, then in its sentence."""
    slo, shi = ctx.sentence_span(c.sent)
    battle = _find(ctx, "attack_terms", slo, shi, roles=("battle",))
    lo, hi = _window(ctx, cands, c)
    wlo, whi = _window(ctx, cands, c, tight=False)
    # «قتل 3 مدنيين وعنصران من الأسايش»: the Asayish are dead here, not who killed the civilians
    victim_sides = frozenset(
        a.i for o in cands if o.sent == c.sent and o is not c and o.group == "fighters"
        for a in ctx.mentions_in("actors", o.tj, min(shi, o.tj + 4)) if _names_side(ctx, o, a)
    ) | _fighters_sides(ctx, slo, shi)
    for a, b in ((lo, hi), (wlo, whi)):
        agents = [x for x in _agents(ctx, c, a, b, victim_sides, cands) if x[0] >= 2]
        if agents:
            _, _, m, hedge = agents[0]
            c.perp_mention = m
            c.perpetrator = "unknown" if hedge else m.attrs.get("perpetrator")
            c.mixed_perpetrators = _coordinated_other_actor(ctx, m) or _after_majority(ctx, m)
            return
    if battle:
        # «معقل الجهاديين», "IS-held": the side holding a place is no side of the battle told
        sides = {
            m.attrs.get("perpetrator") for m in ctx.mentions_in("actors", slo, shi)
            if not any((h := ctx.m("attack_terms", k)) and h.key == "control" for k in range(max(slo, m.i - 2), m.i))
        }
        if c.group == "fighters" and c.side is None:
            before = [o for o in cands if o.sent == c.sent and o.tj <= c.ti and o.group == "fighters" and o.side]
            side = before[-1].side if before else None  # «قتل سبعة عناصر للتنظيم، وأربعة آخرون»
        else:
            side = c.side
        if len(sides) == 2 and c.group == "fighters" and side in sides:
            # «قتل 16 عنصرا من داعش في اشتباكات مع قسد»: the dead of one side, killed by the other
            c.perpetrator = next(iter(sides - {side}))
            return
        if len(sides) >= 2:
            c.mixed_perpetrators = True  # «معارك بين القوات السورية وتنظيم داعش»
            return
    p = c.parent
    if p is not None and (p.perpetrator or p.mixed_perpetrators):
        # «قتل نظام الأسد 4162 مدنيا بينهم 562 سيدة، وقتلت القوات الروسية 467»: a breakdown is its total's
        c.perpetrator, c.perp_mention, c.mixed_perpetrators = p.perpetrator, p.perp_mention, p.mixed_perpetrators
        return
    weak = _agents(ctx, c, wlo, whi, victim_sides, cands) if c.group != "fighters" else []
    if weak:
        _, _, m, hedge = weak[0]
        c.perp_mention = m
        c.perpetrator = "unknown" if hedge else m.attrs.get("perpetrator")
        return
    hedge = _find(ctx, "attack_terms", wlo, whi, roles=("hedge",))
    if hedge is not None:  # «بصاروخ طائرة تباينت المعلومات حول هويتها»: said to be unknown, not to be guessed
        c.perpetrator, c.perp_mention = "unknown", hedge


def _fighters_sides(ctx: _Context, lo: int, hi: int) -> frozenset[int]:
    """«بالإضافة إلى خمسة مقاتلين محليين تابعين لقوات سوريا الديموقراطية»: the side of fighters named
    among the dead (not a count of its own here) is not who killed; not after «على يد», «بنيران»."""
    out = set()
    for v in ctx.mentions_in("victims", lo, hi):
        if v.attrs.get("group") != "fighters" or any(
            (b := ctx.m("attack_terms", k)) and b.attrs.get("role") == "attack" for k in range(max(lo, v.i - 2), v.i)
        ):
            continue
        for k in range(v.j, min(hi, v.j + 4)):
            a = ctx.m("actors", k)
            if a is not None:
                out.add(a.i)
                break
            if ctx.tokens[k].kind == "punct" or ctx.m("attack_terms", k) or ctx.m("casualty_terms", k):
                break
    return frozenset(out)


def _after_majority(ctx: _Context, m: Mention) -> bool:
    """«غالبيتهم قتلوا على يد قوات النظام»: not the attacker of all of them."""
    return any(_is(ctx.tokens[k], "majority") for k in range(max(0, m.i - 6), m.i))


def _coordinated_other_actor(ctx: _Context, m: Mention) -> bool:
    """«بقصف النظام وروسيا»، "by regime and Russian jets": the count is shared by two attackers."""
    for k in range(m.j, min(len(ctx.tokens), m.j + 5)):
        if ctx.tokens[k].text in _CLAUSE_PUNCT:
            break
        if _is(ctx.tokens[k], "allies"):
            return True  # «قوات النظام في سورية وحلفائه من الروس»، "regime forces and their allies"
    for other in ctx.mentions_in("actors", m.j, m.j + 3):
        if other.attrs.get("perpetrator") == m.attrs.get("perpetrator"):
            return False
        between = ctx.tokens[m.j : other.i]
        first = between[0] if between else ctx.tokens[other.i]
        if first.text in ("و", "and") or (first is ctx.tokens[other.i] and first.text.startswith("و")):
            return True
        # «قواتُ الأسد والاحتلالُ الروسي»: a noun glued to «و» whose adjective names the other actor
        return len(between) == 1 and first.kind == "ar" and first.text.startswith("و") and len(first.text) > 3
    return False


def _article_perpetrator(ctx: _Context, cands: list[Cand]) -> str | None:
    """The article's one attacker, when every attacker it names is the same: first those named for
    its counts, else those the text names as attacking anywhere («تعرضت لهجمات تنظيم الدولة»);
    `MIXED` when the only attackers named for its counts act together."""
    named = {c.perpetrator for c in cands if c.perpetrator and not c.mixed_perpetrators}
    if named:
        return named.pop() if len(named) == 1 and "unknown" not in named else None
    if any(c.mixed_perpetrators for c in cands):
        return MIXED  # «بقصف قوات الأسد والاحتلال الروسي» is the only attack named: the report's counts are shared
    attackers = set()
    for a in ctx.mentions["actors"]:
        if any(w in normalize(a.surface).text.lower() for w in _fw("aircraft")):
            attackers.add(a.attrs.get("perpetrator"))  # «ارتكب طيران التحالف مجزرة»: an air force attacks
            continue
        for k in range(a.i - 1, max(-1, a.i - 3), -1):
            t = ctx.tokens[k]
            if t.kind == "punct" or ctx.m("actors", k) is not None:
                break  # not across a sentence, nor from inside another actor's name («الطيران السوري والروسي»)
            b = ctx.m("attack_terms", k)
            if b is not None and b.attrs.get("role") == "attack":
                if any(_is(ctx.tokens[n], "majority") for n in range(a.j, min(len(ctx.tokens), a.j + 2))):
                    break  # «تبنى تنظيم داعش معظمها»: the attacker of most of them, not of each
                attackers.add(a.attrs.get("perpetrator"))
                if _coordinated_other_actor(ctx, a):
                    attackers.add("several")
                break
    return attackers.pop() if len(attackers) == 1 else None


def _names_side(ctx: _Context, c: Cand, a: Mention) -> bool:
    """«200 من مقاتلي تنظيم الدولة»، «790 عنصرا من قوات النظام»، "120 Daesh militants"."""
    if c.ti <= a.i < c.tj:
        return True
    k = c.tj
    while k < a.i and k < c.tj + 8:
        o = ctx.m("actors", k)
        if o is not None and o.attrs.get("side") == a.attrs.get("side"):
            k = o.j  # «4 جنود أميركيين من قوات التحالف الدولي»: the same side named twice
        elif _is(ctx.tokens[k], "side_link") or _is(ctx.tokens[k], "list_filler") and ctx.tokens[k].text not in ("و", "and") or (
            ctx.tokens[k].kind == "punct" and ctx.tokens[k].text not in _CLAUSE_PUNCT
        ):
            k += 1  # «16 عنصراً على الأقل من تنظيم داعش»: past a qualifier too
        else:
            break
    return k == a.i


def _side(ctx: _Context, c: Cand) -> None:
    if c.group != "fighters":
        return
    for a in ctx.mentions_in("actors", c.ti, c.tj + 6):
        if _names_side(ctx, c, a):
            if not _coordinated_other_actor(ctx, a):  # «64 عنصرا من القوات السورية وداعش»: both sides
                c.side = a.attrs.get("side")
            return
    gm = c.group_mention
    if gm and gm.attrs.get("side"):
        c.side = gm.attrs["side"]




def _named_for_blasts(ctx: _Context, cands: list[Cand], art: str | None) -> bool:
    """Does the article name its attacker `art` for an explosion or a claim («تبناه تنظيم الدولة»)
    (or name it for no count at all), so that a blast's dead may be given it?"""
    named = [o for o in cands if o.perp_mention is not None and o.perpetrator == art]
    return not named or any(
        m.key in ("blast", "claim") for o in named for m in ctx.mentions_in("attack_terms", *ctx.sentence_span(o.sent))
    )


def _fallback_perpetrator(ctx: _Context, c: Cand, art: str | None, blast_named: bool) -> str:
    """The perpetrator of a count that names none in its sentence: the article's attacker `art`
    (``blast_named``: `_named_for_blasts`),
    but "unknown" for a period total whose sentence tells of no attack («سجل المركز سقوط 1737 قتيلا
    في شهر آب»: the dead of every side), unless it goes on a report whose total names that attacker,
    and for a count of an explosion when the article names that attacker only for other kinds of
    attack (air strikes, shelling): a car bomb's dead are not the air force's."""
    if art is None:
        return "unknown"
    if c.parent is not None and c.parent.perpetrator:
        return c.parent.perpetrator  # a breakdown is its total's
    slo, shi = ctx.sentence_span(c.sent)
    said = ctx.mentions_in("attack_terms", slo, shi)
    if c.kind == "toll":
        period = c.period
        if period is not None and c.date is not None and c.date is not period.date:
            period = None  # a total with a period of its own («في شهر آب 2016») heads a report of its own
        while period is not None and period.perpetrator is None and period.period is not period:
            period = period.period
        named = any(a.attrs.get("perpetrator") == art for a in ctx.mentions_in("actors", slo, shi))
        if (period is None or period.perpetrator != art) and not named and not any(m.attrs.get("role") == "attack" for m in said):
            return "unknown"
        return art
    if any(m.attrs.get("role") == "battle" for m in said) and not ctx.mentions_in("actors", slo, shi):
        return MIXED  # «ارتفاع حصيلة القتلى نتيجة الاشتباكات والقصف»: clashes are fought by more than one side
    if not blast_named and any(m.key == "blast" for m in said):
        return "unknown"
    return art
