"""Step 2 of the extractor (`core.extraction.extract`): which numbers and lone victim nouns are
casualty counts, with their status and victim group.
"""

from __future__ import annotations

import logging
from bisect import bisect_left

from core.extraction import bounds, lexicon, numbers
from core.extraction.context import (
    _CLAUSE_PUNCT,
    _MAX_LEFT_TRIGGER,
    _MAX_RIGHT_TRIGGER,
    _YEAR,
    Cand,
    _bracketed_at,
    _Context,
    _fw,
    _glued_status_nouns,
    _is,
    _safe,
)
from core.extraction.normalize import normalize
from core.extraction.tokens import Mention

log = logging.getLogger(__name__)
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


_QUOTES = ('"', "«", "»", "“", "”", "'")
_ARMED_SIDES = frozenset({"is", "sdf", "regime", "opposition", "jihadist"})  # armed groups, not states


def _victim_after(ctx: _Context, k: int, hi: int, english: bool) -> Mention | None:
    """The victim noun that a number at token k-1 counts: 27 مدنيا، 200 من مقاتلي، 14 of the dead."""
    k = _next_word(ctx, k, hi)
    if k < 0:
        return None
    v = ctx.m("victims", k)
    if v and v.i == k:
        if v.attrs.get("status") and ctx.tokens[k].text.startswith("و") and ctx.tokens[k].kind == "ar":
            return None  # «مقتل 3 وإصابة 20»: a status noun after و opens the next count
        return v
    them = ctx.m("connectives", k)
    if them is not None and them.i == k and them.attrs.get("of_them"):
        k2 = _next_word(ctx, them.j, hi)  # «ثمانيةٌ منهم أطفال», "four of them children"
        v = ctx.m("victims", k2) if k2 >= 0 else None
        if v and v.i == k2:
            return v
    t = ctx.tokens[k]
    if t.text in _fw("of") and t.text != "the":
        k2 = k + 1
        if k2 < hi and ctx.tokens[k2].text == "the":
            k2 += 1
        v = ctx.m("victims", k2)
        if v and v.i == k2:
            return v
        if t.text == "من":  # «ثلاثة من «قسد»»، «خمسة من قوات النظام»: members of an armed side
            while k2 < hi and ctx.tokens[k2].text in _QUOTES:
                k2 += 1
            a = ctx.m("actors", k2) if k2 < hi else None
            if a is not None and a.i == k2 and a.key in _ARMED_SIDES:
                return Mention("victims", "fighters_of_side", {"group": "fighters", "number": "pl"},
                               k, a.j, ctx.tokens[k].start, ctx.tokens[a.j - 1].end, a.surface)
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
            if t.kind != "en" or ctx.m("non_casualty", k2) or ctx.m("victims", k2) or _is(t, "part_before_noun") or (
                numbers.parse_number(t.text) is not None  # "URL 124 at least four people": the noun is four's
            ):
                break  # "22 mostly children", "11 including children": the noun is a part, not the count's group
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


def _fate_near(ctx: _Context, i: int, j: int, lo: int, hi: int, role: str = "fate") -> bool:
    """Trapped, displaced, arrested... right before the count or right after its noun
    (role 'illness': a disease right after it, «20 إصابة بالكوليرا»)."""
    for k in (_prev_word(ctx, i, lo), _prev_word(ctx, _prev_word(ctx, i, lo), lo) if i > lo else -1):
        if k >= 0 and role == "fate":
            f = ctx.m("non_casualty", k)
            if f and f.attrs.get("role") == role:
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
        if f and f.attrs.get("role") == role:
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


def _after_that(ctx: _Context, i: int, lo: int) -> bool:
    """Token i opens a reported clause: right after «أنّ»/«إنّ» ('that')."""
    k = _prev_word(ctx, i, lo)
    c = ctx.m("connectives", k) if k >= 0 else None
    if k >= 0 and any(f in _fw("pluperfect") for f in ctx.tokens[k].forms):
        return True  # «وكان الطفل … قتل»: the noun opens a clause of its own too
    return c is not None and c.j == i and c.attrs.get("role") == "that"


def _after_name(ctx: _Context, j: int, hi: int) -> int:
    """Past a name in brackets or quotes right after a noun: «الشاب (ممدوح علي)»، «الطفل "أحمد"»."""
    q = _bracketed_at(ctx, j, hi)
    if q is not None:
        j = q + 1
    # «البالغ من العمر 15 عاماً،»: an age in apposition, up to its comma
    if j < hi and ctx.tokens[j].text in ("البالغ", "البالغة"):
        for q in range(j + 1, min(hi, j + 8)):
            if ctx.tokens[q].text in (",", "،"):
                return q + 1
    return j


def _right_trigger(ctx: _Context, j: int, hi: int, limit: int = _MAX_RIGHT_TRIGGER) -> Mention | None:
    k = j
    steps = 0
    aside = False  # inside «, including a journalist,» / «، بينهم طفلان،» between a count and its verb
    while k < hi and steps < limit:
        m = ctx.m("casualty_terms", k)
        if m and m.attrs.get("position") in ("after", "any"):
            return m
        t = ctx.tokens[k]
        if t.text in _CLAUSE_PUNCT and k + 1 < hi:
            n = ctx.tokens[k + 1]
            cont = ctx.m("connectives", k + 1)
            if cont and cont.attrs.get("role") in ("part", "part_back"):
                aside = t.text in (",", "،")
            elif aside and t.text in (",", "،") and (
                _is(n, "auxiliary") or ctx.m("casualty_terms", k + 1) is not None
            ):
                aside = False  # the aside closes right before the verb: ", were killed"
            elif not (aside and t.text in (",", "،")) and not (
                n.kind == "num" or n.text.startswith("و") and k + 2 < hi and ctx.tokens[k + 2].kind == "num"
            ):
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
            k2 = _next_word(ctx, v2.j, hi)
            if not (k2 >= 0 and ctx.tokens[k2].kind == "num"):  # «13 قتيلا وإصابة 50»: two counts
                return "killed_or_injured", "noun"  # «13 قتيلا وجريحا»
        both = ctx.m("casualty_terms", k) if k >= 0 else None
        if both and both.i == k and both.attrs.get("status") == "killed_or_injured":
            return "killed_or_injured", "noun"  # «140 ضحية بين شهيد وجريح»
        return noun.attrs["status"], "noun"
    k = j
    while k < hi and _is(ctx.tokens[k], "auxiliary"):
        k += 1
    close = ctx.m("casualty_terms", k) if k < hi and k - j <= 3 else None
    if close and close.i == k == j and ctx.tokens[k].kind == "en" and _count_after(ctx, close.j, hi):
        # "three suicide bombers killed at least two people": the count did the killing
        left = _left_trigger(ctx, i, lo)
        return (left.attrs["status"], "left") if left else (None, "")
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


def _count_after(ctx: _Context, k: int, hi: int) -> bool:
    """A number (after 'at least', 'more than') right after token k: the object of an active verb."""
    q = k
    while q < min(hi, k + 3) and _is(ctx.tokens[q], "list_filler"):
        q += 1
    t = ctx.tokens[q] if q < hi else None
    if t is None or not (t.kind == "num" or (t.kind == "en" and numbers.parse_number(t.text) is not None)):
        return False
    # "5 civilians killed 20 injured", "8 killed 58 others injured": the next count has a status
    # of its own (within its next two words), a list of counts
    for r in range(q + 1, min(hi, q + 3)):
        nxt = ctx.m("victims", r)
        if (nxt is not None and nxt.attrs.get("status")) or ctx.m("casualty_terms", r) is not None:
            return False
    return True


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
    if k >= 0 and ctx.tokens[k].text == "ال":
        k = _prev_word(ctx, k, lo)  # «تجاوز الـ160»: the article written on the number
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


def _fate_right_after(ctx: _Context, k: int) -> bool:
    """"8 Killed, 25 Injured in Rocket Attacks": a killing or wounding participle right after a
    count with no noun (a headline's «N killed») gives its status."""
    m = ctx.m("casualty_terms", k) if k < len(ctx.tokens) else None
    return m is not None and m.i == k and ctx.tokens[k].kind == "en" and m.attrs.get("position") in ("after", "any")


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
        if ctx.text[nm.end : nm.end + 1] in ("-", "\u2010", "\u2011") and ctx.text[nm.end + 1 : nm.end + 2].isascii() and (
            ctx.text[nm.end + 1 : nm.end + 2].isalpha()
        ):
            continue  # "a 10-year-old boy", "the six-year conflict": a number inside a compound modifies a noun
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
        if noun and noun.attrs.get("conjunct_only") and not (noun.i > 0 and ctx.tokens[noun.i - 1].text == "من"):
            noun = None  # «زوجته» alone is no count's noun; «اثنين من أولاده» is
        glued_and = ctx.tokens[i].text.startswith("و") and not nm.text.startswith("و")
        if noun is None and nm.script == "words" and value_is_small(nm) and before > lo and not glued_and:
            # «جرح مدنيين اثنين»: the number follows its noun (not «ورجل واثنين من أولاده»: a new item)
            pv = ctx.m("victims", before - 1)
            if pv and pv.j == before and not pv.attrs.get("conjunct_only"):
                noun = pv
        if noun is None and before > lo:
            # «الجرحى الـ40»، «الأشخاص السبعة الذين أعدموا»: a definite number after its definite noun
            kb = before - 1 if ctx.tokens[before - 1].text in ("ال", "الـ") else before
            definite = kb < before or (nm.script == "words" and ctx.tokens[i].text.startswith("ال"))
            pv = ctx.m("victims", kb - 1) if definite and kb > lo else None
            if pv and pv.j == kb and ctx.tokens[pv.i].text.startswith("ال") and not pv.attrs.get("conjunct_only"):
                noun = pv
        shared_noun = False
        if noun is None:
            # "79 and 77 people", «3 أو 4 مدنيين»: two numbers share the noun after the second
            k = _next_word(ctx, after, hi)
            if k >= 0 and ctx.tokens[k].text in ("and", "or", "أو") and k + 1 < hi and ctx.tokens[k + 1].kind == "num":
                nxt_noun = _victim_after(ctx, k + 2, hi, english)
                if nxt_noun is not None and not nxt_noun.attrs.get("conjunct_only") and not nxt_noun.attrs.get("status"):
                    noun, shared_noun = nxt_noun, True
        end_tok = noun.j if noun and not shared_noun else after
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
        if status is None:
            status, how = _copula_status(ctx, before, lo), "copula"  # «القتلى هم 12 عنصرا …»
            how = how if status else ""
        if status == "injured" and _fate_near(ctx, i, end_tok, lo, hi, role="illness"):
            continue  # infections counted, not wounds
        cue = _connective_before(ctx, before, lo)
        listed = _list_status(out, ctx, before)
        if status is None and listed is not None and listed.status:
            status, how = listed.status, "list"
        if status is None and cue is not None and cue.attrs.get("status"):
            status, how = cue.attrs["status"], "among"  # «بين القتلى 14 شخصا»
        total_words: Mention | None = None  # «عدد قتلى تنظيم داعش ... إلى 23»: whose dead the total counts
        if status is None and _to_before(ctx, before, lo):
            # «ارتفعت حصيلة القتلى ... إلى 23 مدنيا»، «ارتفاع ضحايا المجزرة إلى 82»: the total's own
            # words (a killing word or a status noun in construct) may stand far back
            wide = _left_trigger(ctx, before, lo, limit=40) or _left_status_noun(ctx, before, lo, limit=40)
            if wide is not None:
                status, how = wide.attrs["status"], "total"
                total_words = wide
        elif noun is None and _to_before(ctx, before, lo):
            wide = _left_trigger(ctx, before, lo, limit=40)
            if wide is not None and wide.key == "toll_killed":
                total_words = wide  # «ارتفع عدد قتلى تنظيم داعش إلى 23»: the status came nearer
        low, best, high = nm.bounds()
        value = nm.value if nm.value is not None else None
        back_by_place = False
        if noun is None:
            # a total with no noun: «ارتفعت الحصيلة إلى 816»، «بلغت ثمانية عشر»، «إصابة العشرات»
            if value is not None and value in _YEAR:
                continue
            if value == 1 and nm.script == "words":
                continue  # «من عائلة واحدة»: واحد after a noun is an adjective
            nxt = _next_word(ctx, after, hi)
            if nxt >= 0 and ctx.tokens[nxt].text in (",", "،") and nxt + 1 < hi:
                c = ctx.m("connectives", nxt + 1)  # "and 74, including several journalists, were injured"
                part_follows = c is not None and c.attrs.get("role") == "part" and not c.attrs.get("of_them")
            else:
                part_follows = nxt >= 0 and (c := ctx.m("connectives", nxt)) is not None and c.attrs.get("role") == "part"
            # «عشرة منهم»: some of the count just before, in this sentence or the one before it
            of_them = part_follows and c.attrs.get("of_them") and out and sent - out[-1].sent <= 1
            trigger_adjacent = _left_trigger(ctx, before, lo, limit=2) is not None or _fate_right_after(ctx, after)
            if nm.vague and not (ctx.tokens[i].text.startswith("ال") or nxt < 0 or ctx.tokens[nxt].kind == "punct"):
                continue  # «مئات» (indefinite) needs its noun; «العشرات» stands alone
            # «منهم سبعة في مدينة الرقة، وثلاثة في تل أبيض»: a breakdown of a count by place
            by_place = (
                not nm.vague and _place_follows(ctx, nxt, hi)
                and (
                    (cue is not None and cue.attrs.get("role") == "part" and out and out[-1].sent == sent)
                    or (listed is not None and listed.extra.get("by_place"))
                    # «المدنيين الذين قتلوا خلال الأيام الأربعة، هم 30 في حلب»: the dead of a total told before
                    or (cue is not None and cue.attrs.get("role") == "part" and out and status is not None)
                )
            )
            back_by_place = by_place and not (out and out[-1].sent == sent) and listed is None
            if by_place:
                rule, conf = "part-by-place", 0.6
            elif of_them:
                rule, conf = "part-of-them", 0.6
            else:
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
        if group == "fighters" and _civil_body_after(ctx, gm.j, hi):
            group = "civilians"  # «ثلاثة عناصر من الدفاع المدني»
        side_actor = _actor_right_after(ctx, total_words) if gm is None and total_words is not None else None
        if side_actor is not None:
            group = "fighters"  # «عدد قتلى قوات المعارضة وصل إلى 5811»
        if rule in ("part-by-place", "part-of-them"):
            group = "inherit"  # the victims of the count it breaks down
        if group == "inherit" and rule == "part-by-place" and back_by_place:
            told = [o for o in out if o.status == status and not o.part_cue and not o.list_item and not o.part_back]
            group = told[-1].group if told else "people"
        if group == "inherit":
            # «عشرة مدنيين ثمانيةٌ منهم أطفال …، وأصيب 21 آخرين»: the others are of the head, not of its part
            heads = [o for o in out if o.sent == sent and not o.part_cue and not o.list_item and not o.part_back]
            group = heads[-1].group if heads else "people"
            if len({o.group for o in heads}) > 1:
                group = "people"  # «ثلاث مواطنات وأربعة أطفال …، بينما أصيب 120 آخرين»: others of all of them
        elif gm is not None:
            k = _next_word(ctx, gm.j, hi)
            v2 = ctx.m("victims", k) if k >= 0 else None
            if (
                v2 and v2.i == k and ctx.tokens[k].text.startswith("و") and v2.attrs.get("number") != "du"
                and "fighters" not in (group, v2.attrs.get("group"))  # «ثلاثة مدنيين وعنصر»: two counts
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
        if side_actor is not None:
            c.side = side_actor.attrs.get("side")
        c.list_item = listed is not None and (listed.part_cue or listed.list_item)
        c.group_from_noun = gm is not None and not gm.attrs.get("status") and gm.attrs.get("group") != "inherit"
        if cue is not None:
            c.part_cue = cue.attrs.get("role") == "part"
            c.part_back = cue.attrs.get("role") == "part_back"
        if not c.part_back:
            c.part_back = _part_back_near(ctx, i, end_tok, lo, hi)
        if noun is not None and noun.attrs.get("status") and noun.i > j and ctx.tokens[noun.i - 1].text in _fw("of"):
            c.part_back = True  # «14 من القتلى», "14 of the dead": some of a count given before
        if noun is not None and out:
            k = _next_word(ctx, end_tok, hi)
            them = ctx.m("connectives", k) if k >= 0 else None
            if them is not None and them.i == k and them.attrs.get("of_them"):
                c.part_back = True  # «عشرة قتلى منهم»: ten of those counted before
            if any(m.attrs.get("of_them") for m in ctx.mentions_in("connectives", j, noun.i)):
                c.part_back = True  # "four of them university students"
        if nm.vague and (nm.low or 0) >= 1000:
            c.kind, c.kind_cue = "toll", nm.text  # thousands of dead are a tally, not one event
        elif (c.best or 0) > bounds.single_incident_max(c.status or "killed"):
            c.kind, c.kind_cue = "toll", nm.text  # more than any one event reached: a tally of many
        if rule == "part-by-place":
            c.extra["by_place"] = True
            c.part_back = c.part_back or back_by_place
        if rule == "part-of-them":
            c.part_back = True
        out.append(c)
    return out


def _place_follows(ctx: _Context, k: int, hi: int) -> bool:
    """«في مدينة الرقة»، «بدير الزور»: a place named right at token k (after «في» or a glued «ب»)."""
    if k < 0:
        return False
    if ctx.tokens[k].text in ("في", "in"):
        k = _next_word(ctx, k + 1, hi)
        if k < 0:
            return False
    elif not ctx.tokens[k].text.startswith("ب"):
        return False
    r = ctx.places_in(k, k + 1)
    return len(r) > 0


def _copula_status(ctx: _Context, i: int, lo: int) -> str | None:
    """«القتلى هم …»، «الضحايا هم …»: a definite status noun then a pronoun of being before token i
    (or before the list the item at token i continues): the status of what the list names."""
    k = _prev_word(ctx, i, lo)
    steps = 0
    while k >= lo and steps < 12:
        t = ctx.tokens[k].text
        cue = ctx.m("connectives", k)
        among = cue is not None and cue.i == k and cue.attrs.get("role") == "part" and not cue.attrs.get("of_them")
        if t in ("هم", "هن", "هما") or among:
            # «القتلى هم …»، «نقل المصابين، وبينهم متطوعان»: the definite status noun right before
            p = k - 1
            while p >= lo and ctx.tokens[p].text in (",", "،", "و"):
                p -= 1
            v = ctx.m("victims", p) if p >= lo else None
            if v is not None and v.j == p + 1 and v.attrs.get("status") and ctx.tokens[v.i].text.startswith("ال"):
                return v.attrs["status"]
            return None
        if t in _CLAUSE_PUNCT and t not in (",", "،"):
            return None
        k -= 1
        steps += 1
    return None


def _left_status_noun(ctx: _Context, i: int, lo: int, limit: int) -> Mention | None:
    """A noun that says killed/injured by itself (ضحايا، شهداء، جرحى) before token i in its sentence."""
    k = i - 1
    while k >= lo and i - k <= limit:
        if ctx.tokens[k].text in (".", "؟", "?", "!"):
            break
        v = ctx.m("victims", k)
        if v is not None and v.attrs.get("status"):
            return v
        k -= 1
    return None


def _actor_right_after(ctx: _Context, m: Mention) -> Mention | None:
    """«قتلى تنظيم داعش»، «عدد قتلى قوات المعارضة»: an armed side named right after the dead."""
    k = _next_word(ctx, m.j, len(ctx.tokens))
    a = ctx.m("actors", k) if k >= 0 else None
    return a if a is not None and a.i == k else None


def _civil_body_after(ctx: _Context, k: int, hi: int) -> bool:
    """«من الدفاع المدني»، "of the White Helmets" right after a members noun: they are civilians."""
    k = _next_word(ctx, k, hi)
    if k >= 0 and ctx.tokens[k].text in _fw("side_link"):
        k = _next_word(ctx, k + 1, hi)
    v = ctx.m("victims", k) if k >= 0 else None
    return bool(v and v.i == k and v.attrs.get("body"))


def name_unnamed_groups(ctx: _Context, cands: list[Cand]) -> None:
    """Counts that name no victims of their own (قتيلا، آخران، 87 شهيدا) take the victims a later
    word in their clause names: «87 شهيدا والعشرات من الجرحى من المدنيين», «عدد القتلى المدنيين فاق
    100 شخص»; «وأصيب آخران» after «استشهد ثلاثة مدنيين» are of those victims too."""
    for c in cands:
        gm = c.group_mention
        dead = gm is not None and gm.attrs.get("status") and c.group == "people"
        if gm is not None and (gm.attrs.get("member") or dead):
            side = _actor_right_after(ctx, gm)
            k = _next_word(ctx, gm.j, len(ctx.tokens))
            if side is None and k >= 0 and ctx.tokens[k].text in _fw("side_link"):
                side = ctx.m("actors", _next_word(ctx, k + 1, len(ctx.tokens)))
            if side is None and gm.attrs.get("member") and gm.i > 0:
                before = ctx.m("actors", gm.i - 1)  # "six al-Nusra Front members": the side named before
                side = before if before is not None and before.j == gm.i else None
            if side is not None:
                # «عضو في قوى الأمن الداخلي»؛ «عشرات القتلى من تنظيم الدولة»: the dead of a side
                c.group, c.side = "fighters", side.attrs.get("side")
                continue
        if c.group_from_noun and c.group != "people":
            continue
        lo, hi = ctx.sentence_span(c.sent)
        named = _civilians_word(ctx, c.tj, min(hi, c.tj + 12))
        if named is None and c.group_mention is not None and c.group_mention.attrs.get("status"):
            named = _civilians_word(ctx, c.group_mention.j, min(hi, c.group_mention.j + 2))
        if named is not None:
            c.group = "civilians"
            continue
        if c.group_mention is not None and c.group_mention.key.startswith("others"):
            before = [o for o in cands if o.sent == c.sent and o.tj <= c.ti and o.group_from_noun]
            if before and before[-1].group == "civilians":
                c.group = "civilians"  # «استشهد ثلاثة مدنيين وأصيب آخران»: other civilians


def _civilians_word(ctx: _Context, k: int, hi: int) -> Mention | None:
    """«من المدنيين» (or «المدنيين» right after a status noun) in tokens [k, hi), within the clause."""
    while k < hi:
        t = ctx.tokens[k]
        if t.text in (".", "؟", "?", "!", ";", "؛"):
            return None
        v = ctx.m("victims", k)
        if v is not None and v.i == k and v.attrs.get("group") == "civilians" and not v.attrs.get("status"):
            prev = ctx.tokens[k - 1].text if k > 0 else ""
            if prev in _fw("of") or k == 0 or ctx.m("victims", k - 1) is not None or t.text.startswith("ال"):
                return v
        k += 1
    return None

