"""Tokens of a normalised text and a phrase matcher for the lexicons.

The extractor reasons over tokens: Arabic words, Latin words, digit groups and single punctuation
marks of the normalised text (`core.extraction.normalize`), each carrying its span in the original text.
Arabic words carry *forms*: the word with glued و/ف, ب/ل/ك and the article ال stripped
(«وبالمدنيين» → «بالمدنيين», «المدنيين», «مدنيين»), so lexicon surfaces are written once, bare.

`PhraseMatcher` finds lexicon surfaces (one or several words) in a token list, longest first.
English surfaces match in any case, except those written in capitals (IS, UN, WHO), which match
only in capitals.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any, NamedTuple

from core.extraction import lexicon
from core.extraction.normalize import Normalized, norm

_TOKEN_RE = re.compile(
    r"[\u0621-\u064A\u066E-\u06D3]+"  # Arabic letters (normalised text has no diacritics)
    r"|[A-Za-z](?:[A-Za-z']|-(?=[A-Za-z]))*"  # Latin words, hyphenated compounds
    r"|\d+(?:[.,]\d+)*"  # digit groups with separators
    r"|\S"  # any other single character (punctuation)
)

_PREFIX_CONJ = ("و", "ف")
_PREFIX_PREP = ("ب", "ل", "ك")
_PRONOUN_SUFFIXES = ("هما", "هم", "هن", "ها")  # longest first; a lone «ه» is too often ة (ساعه)


class Token(NamedTuple):
    """One token (a named tuple: tokenising a long article builds many of them)."""

    i: int
    text: str  # normalised (Latin lower-cased)
    raw: str  # normalised, original case
    start: int  # span in the original text
    end: int
    kind: str  # 'ar' | 'en' | 'num' | 'punct'
    forms: tuple[str, ...]  # text plus prefix-stripped variants (Arabic), most specific first


@lru_cache(maxsize=65536)
def arabic_forms(word: str) -> tuple[str, ...]:
    """The word and its variants with glued conjunction, preposition and article removed."""
    forms = [word]

    def add(f: str) -> None:
        if len(f) >= 2 and f not in forms:
            forms.append(f)

    stage = [word]
    if len(word) > 3 and word[0] in _PREFIX_CONJ:
        stage.append(word[1:])
    for w in list(stage):
        add(w)
        if len(w) > 3 and w.startswith("لل"):
            add("ال" + w[2:])
            stage.append("ال" + w[2:])
        elif len(w) > 3 and w[0] in _PREFIX_PREP:
            add(w[1:])
            stage.append(w[1:])
    for w in list(stage):
        if len(w) > 3 and w.startswith("ال"):
            add(w[2:])
    # a possessive or object pronoun at the end: «اندلاعها» -> «اندلاع», «حصيلتها» -> «حصيله»
    for suf in _PRONOUN_SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            base = forms[-1][: -len(suf)] if forms[-1].endswith(suf) else word[: -len(suf)]
            if len(base) >= 3:
                add(base)  # «قتلتهم» -> «قتلت»
                if base.endswith("ت"):
                    add(base[:-1] + "ه")  # ة before a pronoun: «حصيلتها» -> «حصيله»
            break
    return tuple(forms)


def tokenize(n: Normalized) -> list[Token]:
    out: list[Token] = []
    offs = n.offsets
    forms_of = arabic_forms
    for m in _TOKEN_RE.finditer(n.text):
        raw = m.group()
        a, b = m.span()
        c = raw[0]
        if "\u0621" <= c <= "\u06d3":
            out.append(Token(len(out), raw, raw, offs[a], offs[b - 1] + 1, "ar", forms_of(raw)))
        elif c.isdigit():
            out.append(Token(len(out), raw, raw, offs[a], offs[b - 1] + 1, "num", (raw,)))
        elif c < "\x80" and c.isalpha():
            low = raw.lower()
            out.append(Token(len(out), low, raw, offs[a], offs[b - 1] + 1, "en", (low,)))
        else:
            out.append(Token(len(out), raw, raw, offs[a], offs[b - 1] + 1, "punct", (raw,)))
    return out


# Quotation marks a writer puts around part of a name («تنظيم “الدولة الإسلامية”», 'the "Islamic State"')
QUOTES = frozenset('"\'“”„«»‘’‹›')


class Mention(NamedTuple):
    """A lexicon surface found in the text."""

    lex: str
    key: str
    attrs: dict[str, Any]
    i: int  # first token
    j: int  # one past the last token
    start: int  # original span
    end: int
    surface: str  # the canonical surface that matched


def _split_surface(surface: str) -> tuple[tuple[str, ...], bool]:
    n = norm(surface).strip()
    toks = [m.group() for m in _TOKEN_RE.finditer(n)]
    case_sensitive = bool(re.fullmatch(r"[A-Z][A-Z.\- ]*", surface.strip())) or (
        surface[:4] == "the " and surface[4:].isupper()
    )
    if not case_sensitive:
        toks = [t.lower() if t.isascii() else t for t in toks]
    return tuple(toks), case_sensitive


class PhraseMatcher:
    """Longest-match lookup of one lexicon's surfaces over tokens."""

    def __init__(self, name: str):
        self.name = name
        self.entries = lexicon.load(name)
        self._index: dict[str, list[tuple[tuple[str, ...], bool, str, str]]] = {}
        self._attrs = {k: {a: b for a, b in e.items() if a != "surfaces"} for k, e in self.entries.items()}
        for key, entry in self.entries.items():
            for surface in entry["surfaces"]:
                toks, cs = _split_surface(surface)
                if not toks:
                    continue
                first = toks[0] if cs or not toks[0].isascii() else toks[0].lower()
                self._index.setdefault(first, []).append((toks, cs, key, surface))
        for lst in self._index.values():
            lst.sort(key=lambda x: -len(x[0]))

    def match_at(self, tokens: list[Token], i: int) -> Mention | None:
        tok = tokens[i]
        keys = tok.forms if tok.kind != "en" else (tok.text, tok.raw)
        best: Mention | None = None
        for form in keys:
            for toks, cs, key, surface in self._index.get(form, ()):
                if cs and tokens[i].raw != toks[0]:
                    continue
                # «عدد الشهداء» also as «عدد شهداء البلدة»: the construct state drops the article
                construct = self._attrs[key].get("construct", False)
                n = len(toks)
                if i + n > len(tokens):
                    continue
                ok = True
                k = i  # «تنظيم “الدولة الإسلامية”»: quotation marks inside a name do not break it
                for want in toks[1:]:
                    k += 1
                    while k < len(tokens) - 1 and tokens[k].kind == "punct" and tokens[k].text in QUOTES:
                        k += 1
                    t = tokens[k] if k < len(tokens) else None
                    if t is None:
                        ok = False
                        break
                    if cs:
                        if t.raw != want:
                            ok = False
                            break
                    elif want not in t.forms and t.text != want and not (
                        construct and want.startswith("ال") and want[2:] in t.forms
                    ):
                        ok = False
                        break
                if ok and (best is None or k + 1 - i > best.j - best.i):
                    best = Mention(self.name, key, self._attrs[key], i, k + 1, tok.start, tokens[k].end, surface)
                    break  # lists are longest-first
        return best

    def find_all(self, tokens: list[Token]) -> list[Mention]:
        out: list[Mention] = []
        i = 0
        index = self._index
        n = len(tokens)
        while i < n:
            tok = tokens[i]
            if tok.kind == "en":
                hit = tok.text in index or tok.raw in index
            else:
                hit = any(f in index for f in tok.forms)
            m = self.match_at(tokens, i) if hit else None
            if m:
                out.append(m)
                i = m.j
            else:
                i += 1
        return out


def find_all_lexicons(tokens: list[Token], names: tuple[str, ...]) -> dict[str, list[Mention]]:
    """`PhraseMatcher.find_all` for several lexicons in one pass over the tokens (same result):
    one dictionary lookup per word form tells which lexicons can start a match there."""
    index = _combined_index(names)
    matchers = [matcher(n) for n in names]
    out: list[list[Mention]] = [[] for _ in names]
    free = [0] * len(names)
    get = index.get
    for i, tok in enumerate(tokens):
        mask = 0
        if tok.kind == "en":
            mask = get(tok.text, 0) | get(tok.raw, 0)
        else:
            for f in tok.forms:
                mask |= get(f, 0)
        if not mask:
            continue
        for b in range(len(names)):
            if mask >> b & 1 and free[b] <= i:
                m = matchers[b].match_at(tokens, i)
                if m:
                    out[b].append(m)
                    free[b] = m.j
    return dict(zip(names, out, strict=True))


@cache
def _combined_index(names: tuple[str, ...]) -> dict[str, int]:
    combined: dict[str, int] = {}
    for b, name in enumerate(names):
        for first in matcher(name)._index:
            combined[first] = combined.get(first, 0) | (1 << b)
    return combined


@cache
def matcher(name: str) -> PhraseMatcher:
    return PhraseMatcher(name)


def clear_caches() -> None:
    matcher.cache_clear()
    _combined_index.cache_clear()
    lexicon.clear_caches()
