"""The words the dashboard shows, looked up by key in ``data/i18n/<lang>.json``, and how it writes
numbers and dates in each language.

Every user-facing string of the pages comes from a catalogue, so that a translation is a data
change, never a code change::

    >>> t("trends.title", "en")
    'Weekly casualty trends'
    >>> t("upload.duplicate", "en", name="report.txt")
    'report.txt: already in the database, nothing changed.'

**Catalogue files.** ``{"_doc": "...", "direction": "ltr"|"rtl", "cldr_locale": "ar_SY",
"messages": {key: text}, "variants": {name: {"_cldr_locale": "ar_EG", key: text}}}``. Texts use
``str.format`` placeholders (``{name}``). English (``en``) is the reference: another language must
have exactly the keys English has, with the same placeholders (`problems` lists every difference; a
test fails on any). ``cldr_locale`` is the CLDR locale (through Babel) that writes the language's
numbers, dates and month names and decides its plural forms; ``variants`` (optional) are regional
usages chosen by a locale tag: the Arabic ``msa`` variant takes its month names from ``ar_EG``
(يناير…ديسمبر) where ``ar_SY`` gives the Levantine كانون الثاني…كانون الأول, and may override messages.
Files are read once per process; `clear_caches()` lets tests reload them.

**Plurals.** A message that carries a count is an object of CLDR plural categories instead of a
text: English needs ``one`` and ``other``, Arabic ``zero``, ``one``, ``two``, ``few``, ``many`` and
``other`` (`plural_categories`). The form is chosen by the value ``n`` (`plural_category`, Babel's
CLDR rules)::

    >>> t("articles.count", "en", n=1)
    '1 article. Click a row or its link to read it with its figures marked.'
    >>> [t("count.figures", "ar", n=n) for n in (1, 2, 3, 11, 100)]
    ['رقم واحد', 'رقمان', '3 أرقام', '11 رقمًا', '100 رقم']

Nouns counted inside a message are messages of their own (``unit.group.children``: "child" /
"children"), passed in already chosen (`label` with ``count``).

**Locale tags.** Wherever a function takes ``lang`` it accepts a language code (``"ar"``) or a
locale tag that adds how numbers and months are written, in BCP 47 form:

- ``-u-nu-arab``: Eastern Arabic digits (٠١٢٣٤٥٦٧٨٩), the Unicode extension browsers use too;
- ``-x-<variant>``: one of the catalogue's ``variants`` (``ar-x-msa``: MSA month names).

    >>> format_date("2017-08-13", "ar")
    '13 آب 2017'
    >>> format_date("2017-08-13", "ar-u-nu-arab-x-msa")
    '١٣ أغسطس ٢٠١٧'
    >>> format_number(12345, "ar-u-nu-arab")
    '١٢٬٣٤٥'
    >>> t("trends.notes.undated_tolls", "ar-u-nu-arab", n=3)
    '٣ حصائل تراكمية بلا تاريخ'

Babel (CLDR) writes numbers and dates; it puts the Arabic separators ٬ ٫ but keeps the digits
0-9 (Babel 2.18 has no digit tables), so the Eastern digits themselves are the one thing done here.

Only numbers passed as values (``int``/``float``) are written in Eastern digits: digits inside
text values (a file name, an article title) are the user's and stay as they are.

Values put into a message are the caller's: user text (file names, outlets, titles) must be
escaped for where the message is shown. `md` formats a message for ``st.markdown``-like
elements and escapes every value so that an article title can neither add a link nor markup.

**Charts.** Plotly draws text in SVG without a paragraph direction: `localize_chart` wraps every
Arabic text of a figure in a right-to-left isolate so that "(…)" and mixed Latin/Arabic lines
read in the right order, chooses a font with Arabic glyphs, writes numbers in the locale's digits,
and `chart_config` gives Plotly the month names of the locale (its date axes then follow them,
even when zoomed).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import numbers
import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import babel
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from core.extraction import gazetteer, lexicon

CATALOGUE_DIR = Path(__file__).resolve().parents[2] / "data" / "i18n"
DEFAULT_LANG = "en"
_LANG_FILE = re.compile(r"[a-z]{2,3}")  # ar.json, en.json; other files in the folder are not languages

EASTERN_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_DIGITS_ONLY = str.maketrans({str(i): d for i, d in enumerate(EASTERN_DIGITS)})
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")  # CLDR's, in its order

# Right-to-left isolate: an Arabic text keeps its own direction inside a left-to-right context
# (Plotly's SVG text, a canvas). Ignorable characters: nothing is drawn for them.
RLI, FSI, PDI = "\u2067", "\u2068", "\u2069"

# Fonts for charts in a right-to-left language: Noto Sans Arabic comes with Debian's
# fonts-noto-core (installed with chromium), the others are common on desktops.
ARABIC_CHART_FONT = '"Noto Sans Arabic", "Noto Naskh Arabic", "Segoe UI", Tahoma, "DejaVu Sans", sans-serif'


class CatalogueError(ValueError):
    """A message catalogue is missing, malformed, or a key or locale tag is unknown."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return lexicon.reject_duplicate_keys(pairs, CatalogueError)


def languages() -> list[str]:
    """Languages that have a catalogue file, English first."""
    found = sorted(p.stem for p in CATALOGUE_DIR.glob("*.json") if _LANG_FILE.fullmatch(p.stem))
    return sorted(found, key=lambda lang: (lang != DEFAULT_LANG, lang))


Message = str | dict[str, str]  # a text, or a plural message: {CLDR category: text}


@dataclass(frozen=True)
class _Catalogue:
    messages: dict[str, Message]
    direction: str
    cldr_locale: str
    variants: dict[str, dict[str, Message]]
    variant_cldr: dict[str, str]


def _message_problem(text: Any) -> str | None:
    """What is wrong with one message value (None: a text, or a plural object of texts)."""
    if isinstance(text, str):
        return None
    if not isinstance(text, dict):
        return f"expected a string or an object of plural forms, got {type(text).__name__}"
    bad = [c for c in text if c not in PLURAL_CATEGORIES]
    if bad:
        return f"plural categories must be among {', '.join(PLURAL_CATEGORIES)}, not {', '.join(map(repr, bad))}"
    if "other" not in text:
        return 'a plural message needs an "other" form'
    if not all(isinstance(v, str) for v in text.values()):
        return "every plural form must be a string"
    return None


def _cldr_problem(tag: Any) -> str | None:
    try:
        babel.Locale.parse(str(tag))
    except (ValueError, babel.UnknownLocaleError) as err:
        return f"unknown CLDR locale {tag!r} ({err})"
    return None


@cache
def _load(lang: str) -> _Catalogue:
    path = CATALOGUE_DIR / f"{lang}.json"
    if not _LANG_FILE.fullmatch(lang) or not path.exists():
        raise CatalogueError(f"No message catalogue for language {lang!r}: {path} does not exist.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicates)
    except CatalogueError as err:
        raise CatalogueError(f"{path.name}: {err}") from err
    except json.JSONDecodeError as err:
        raise CatalogueError(f"{path.name}: not valid JSON ({err})") from err
    messages = data.get("messages")
    problems = []
    if not isinstance(messages, dict):
        problems.append('expected an object "messages" mapping keys to texts')
        messages = {}
    for key, text in messages.items():
        problem = _message_problem(text)
        if problem:
            problems.append(f"{key}: {problem}")
    direction = data.get("direction", "ltr")
    if direction not in ("ltr", "rtl"):
        problems.append(f'"direction" must be "ltr" or "rtl", not {direction!r}')
    cldr = data.get("cldr_locale", lang)
    problem = _cldr_problem(cldr)
    if problem:
        problems.append(f'"cldr_locale": {problem}')
    variants = data.get("variants", {})
    variant_cldr: dict[str, str] = {}
    if not isinstance(variants, dict):
        problems.append('"variants" must map a variant name to an object of messages')
        variants = {}
    for name, texts in variants.items():
        if not re.fullmatch(r"[a-z0-9]{1,8}", name) or not isinstance(texts, dict):
            problems.append(f"variant {name!r}: expected a short lowercase name mapping to an object of messages")
            continue
        variant_cldr[name] = texts.get("_cldr_locale", cldr)
        problem = _cldr_problem(variant_cldr[name])
        if problem:
            problems.append(f'variant {name!r}: "_cldr_locale": {problem}')
        for key, text in texts.items():
            if key.startswith("_"):
                continue
            if key not in messages:
                problems.append(f"variant {name!r}: key {key!r} is not in \"messages\"")
            elif _message_problem(text) or isinstance(text, str) != isinstance(messages[key], str):
                problems.append(f"variant {name!r}: {key}: expected a {'string' if isinstance(messages[key], str) else 'plural object'}")
            elif placeholders(text) != placeholders(messages[key]):
                problems.append(f"variant {name!r}: key {key!r} uses other placeholders than \"messages\"")
    if problems:
        raise CatalogueError(f"{path.name}: " + "; ".join(problems))
    variants = {n: {k: v for k, v in texts.items() if not k.startswith("_")} for n, texts in variants.items()}
    return _Catalogue(dict(messages), direction, str(cldr), variants, variant_cldr)


# ---- locale tags --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Locale:
    """What a locale tag asks for: the catalogue's language, Eastern digits, a variant."""

    lang: str
    eastern_digits: bool = False
    variant: str | None = None

    @property
    def tag(self) -> str:
        return make_tag(self.lang, self.eastern_digits, self.variant)


def make_tag(lang: str, eastern_digits: bool = False, variant: str | None = None) -> str:
    """The locale tag for a language and display options (`locale` reads it back).

    >>> make_tag("ar", eastern_digits=True, variant="msa")
    'ar-u-nu-arab-x-msa'
    """
    tag = lang
    if eastern_digits:
        tag += "-u-nu-arab"
    if variant:
        tag += f"-x-{variant}"
    return tag


@cache
def locale(tag: str) -> Locale:
    """Read a locale tag (``ar``, ``ar-u-nu-arab``, ``ar-x-msa``, ``ar-u-nu-arab-x-msa``).

    An unknown language, variant or subtag raises `CatalogueError` naming it: tags come from the
    dashboard's own settings, so a bad one is a programming error."""
    parts = str(tag).split("-")
    lang, rest = parts[0], parts[1:]
    eastern, variant, bad = False, None, []
    i = 0
    while i < len(rest):
        if rest[i] == "u" and rest[i + 1:i + 3] == ["nu", "arab"]:
            eastern, i = True, i + 3
        elif rest[i] == "u" and rest[i + 1:i + 3] == ["nu", "latn"]:
            i += 3
        elif rest[i] == "x" and i + 1 < len(rest):
            variant, i = rest[i + 1], i + 2
        else:
            bad.append(rest[i])
            i += 1
    if bad:
        raise CatalogueError(f"Locale tag {tag!r}: unknown subtag(s) {', '.join(bad)}.")
    cat = _load(lang)
    if variant is not None and variant not in cat.variants:
        raise CatalogueError(f"Locale tag {tag!r}: {lang}.json has no variant {variant!r}.")
    return Locale(lang, eastern, variant)


def variants(lang: str) -> list[str]:
    """The catalogue variants of a language (``["msa"]`` for Arabic)."""
    return list(_load(locale(lang).lang).variants)


def browser_language(locale_tag: str | None = None, accept_language: str | None = None) -> str:
    """The interface language a browser asks for: its ``navigator.language`` (`locale_tag`,
    e.g. ``ar-SY``), else the first supported language of an ``Accept-Language`` header, else
    English.

    >>> browser_language("ar-SY")
    'ar'
    >>> browser_language(None, "fr-FR,fr;q=0.9,ar;q=0.8,en;q=0.5")
    'ar'
    >>> browser_language(None, None)
    'en'
    """
    supported = languages()
    if locale_tag:
        base = str(locale_tag).strip().split("-")[0].split("_")[0].lower()
        if base in supported:
            return base
    ranked = []
    for n, item in enumerate((accept_language or "").split(",")):
        lang_range, _, params = item.strip().partition(";")
        q = 1.0
        m = re.search(r"q\s*=\s*([0-9.]+)", params)
        if m:
            try:
                q = float(m.group(1))
            except ValueError:
                q = 0.0
        base = lang_range.strip().split("-")[0].lower()
        if base and q > 0:
            ranked.append((-q, n, base))
    for _, _, base in sorted(ranked):
        if base in supported:
            return base
    return DEFAULT_LANG


# ---- messages -----------------------------------------------------------------------------------
def messages(lang: str = DEFAULT_LANG) -> dict[str, Message]:
    """The catalogue of one language (a copy; variants not applied; plural messages as objects)."""
    return dict(_load(locale(lang).lang).messages)


def direction(lang: str = DEFAULT_LANG) -> str:
    """``rtl`` or ``ltr``: how the language's interface text runs."""
    return _load(locale(lang).lang).direction


def is_rtl(lang: str = DEFAULT_LANG) -> bool:
    return direction(lang) == "rtl"


def cldr_locale(lang: str = DEFAULT_LANG) -> str:
    """The CLDR locale (Babel's name) that writes numbers and dates for a language or locale tag.

    >>> cldr_locale("ar"), cldr_locale("ar-x-msa"), cldr_locale("en")
    ('ar_SY', 'ar_EG', 'en_GB')
    """
    loc = locale(lang)
    cat = _load(loc.lang)
    return cat.variant_cldr[loc.variant] if loc.variant else cat.cldr_locale


@cache
def _babel_locale(name: str) -> babel.Locale:
    return babel.Locale.parse(name)


def plural_categories(lang: str = DEFAULT_LANG) -> list[str]:
    """The CLDR plural categories a language needs, in CLDR's order.

    >>> plural_categories("en"), plural_categories("ar")
    (['one', 'other'], ['zero', 'one', 'two', 'few', 'many', 'other'])
    """
    tags = set(_babel_locale(_load(locale(lang).lang).cldr_locale).plural_form.tags) | {"other"}
    return [c for c in PLURAL_CATEGORIES if c in tags]


_FIRST_NUMBER = re.compile(r"[0-9٠-٩]+")


def plural_category(n: Any, lang: str = DEFAULT_LANG) -> str:
    """The CLDR plural category of the count `n` in a language (Babel's plural rules).

    A count written as text chooses by its first number ("27 (25–30)" as 27); words without
    digits (a vague «عشرات», "dozens") take the form of ten, a plural.

    >>> [plural_category(n, "ar") for n in (0, 1, 2, 3, 11, 100, "عشرات")]
    ['zero', 'one', 'two', 'few', 'many', 'other', 'few']
    """
    if not _is_number(n):
        m = _FIRST_NUMBER.search(str(n))
        n = int(m.group().translate({ord(d): str(i) for i, d in enumerate(EASTERN_DIGITS)})) if m else 10
    elif isinstance(n, float) and math.isnan(n):
        return "other"
    return _babel_locale(_load(locale(lang).lang).cldr_locale).plural_form(abs(n))


def _text(key: str, loc: Locale) -> Message | None:
    cat = _load(loc.lang)
    if loc.variant:
        text = cat.variants[loc.variant].get(key)
        if text is not None:
            return text
    text = cat.messages.get(key)
    if text is None and loc.lang != DEFAULT_LANG:
        return _load(DEFAULT_LANG).messages.get(key)
    return text


def _value(v: Any, loc: Locale) -> Any:
    if loc.eastern_digits and _is_number(v):
        return format_number(v, loc.tag, grouping=False)
    return v


def _is_number(v: Any) -> bool:
    """A number to write in the locale's digits (numpy's too), not a truth value."""
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and type(v).__name__ != "bool_"


def t(key: str, lang: str = DEFAULT_LANG, /, **values: Any) -> str:
    """The message `key` in `lang` (a language or locale tag), filled with `values`.

    A plural message takes the form of the count ``n`` (`plural_category`); without ``n`` it is
    an error naming the key."""
    loc = locale(lang)
    text = _text(key, loc)
    if text is None:
        raise CatalogueError(f"Unknown message key {key!r} (add it to data/i18n/{DEFAULT_LANG}.json).")
    if isinstance(text, dict):
        if "n" not in values:
            raise CatalogueError(f"Message {key!r} has plural forms: give the count as n=…")
        in_english = loc.lang != DEFAULT_LANG and key not in _load(loc.lang).messages
        category = plural_category(values["n"], DEFAULT_LANG if in_english else loc.lang)
        text = text.get(category, text["other"])
    if not values:
        return text
    try:
        return text.format(**{k: _value(v, loc) for k, v in values.items()})
    except (KeyError, IndexError, ValueError) as err:
        raise CatalogueError(f"Message {key!r} in {lang!r} could not be filled with {sorted(values)}: {err}") from err


def has(key: str) -> bool:
    """Whether the reference catalogue has `key`."""
    return key in _load(DEFAULT_LANG).messages


def label(kind: str, key: str | None, lang: str = DEFAULT_LANG, count: Any = None) -> str:
    """The display name of a data key in `lang`.

    ``group``, ``perpetrator``, ``status``, ``kind``, ``source``: from the catalogue
    (``label("group", "children", "ar")`` → ``الأطفال``). ``place``: a gazetteer id is named in
    the interface language (`core.extraction.places`: ``name_ar`` in Arabic, ``name_en`` otherwise). A key
    nobody names (a new source, a place as written) is shown as it is; None reads "not stated".

    With `count`, the name as it goes with that count, where the catalogue has one
    (``unit.<kind>.<key>``, a plural message): "1 child", "2 children"; Arabic "قتيل" / "قتيلان" / "قتلى".

    >>> label("place", "rq-city", "ar"), label("perpetrator", "regime", "en")
    ('الرقة', 'Syrian government')
    >>> label("group", "children", "en", count=1), label("status", "killed", "ar", count=11)
    ('child', 'قتيلًا')
    """
    if key is None or (isinstance(key, float) and key != key):
        return t("common.not_stated", lang)
    if kind == "place":
        return place_name(str(key), lang)
    if count is not None and has(f"unit.{kind}.{key}"):
        return t(f"unit.{kind}.{key}", lang, n=count)
    full = f"{kind}.{key}"
    if has(full):
        return t(full, lang)
    return str(key)


def place_name(place: str, lang: str = DEFAULT_LANG) -> str:
    """A gazetteer place id in the interface language; anything else (a place as written) as is."""
    try:
        p = gazetteer.get_place(place)
    except gazetteer.GazetteerError:  # pragma: no cover - a broken gazetteer must not hide the table
        p = None
    if p is None:
        return place
    english = re.sub(r"\s*\([^)]*\)\s*$", "", p.name_en or "").strip()  # "Raqqa (city, generic point)"
    if is_rtl(lang):
        return p.name_ar or english or place
    return english or p.name_ar or place


# ---- numbers and dates ----------------------------------------------------------------------------
def digits(text: str, lang: str = DEFAULT_LANG) -> str:
    """`text` with its ASCII digits in the locale's digits (unchanged unless ``-u-nu-arab``).

    For texts the dashboard writes itself (a range "30–35"), never for the user's text."""
    return str(text).translate(_DIGITS_ONLY) if locale(lang).eastern_digits else str(text)


def format_number(n: Any, lang: str = DEFAULT_LANG, eastern_digits: bool | None = None, grouping: bool = True) -> str:
    """A number as the interface writes it (Babel, CLDR): thousands grouped, one decimal at most,
    separators and digits of the locale. `eastern_digits` overrides the tag. None or NaN gives an
    empty string.

    >>> format_number(1234567, "en"), format_number(1234.5, "ar", eastern_digits=True)
    ('1,234,567', '١٬٢٣٤٫٥')
    """
    if n is None or isinstance(n, bool):
        return "" if n is None else str(n)
    try:
        x = float(n)
    except (TypeError, ValueError):
        return str(n)
    if math.isnan(x) or math.isinf(x):
        return "" if math.isnan(x) else str(n)
    eastern = locale(lang).eastern_digits if eastern_digits is None else eastern_digits
    value = int(x) if x.is_integer() and abs(x) < 2**53 else x
    text = babel_numbers.format_decimal(
        value, format="#,##0.#", locale=cldr_locale(lang), group_separator=grouping,
        numbering_system="arab" if eastern else "latn",
    )
    return text.translate(_DIGITS_ONLY) if eastern else text


def month_name(month: int, lang: str = DEFAULT_LANG) -> str:
    """The month's name in the locale (CLDR, as in its dates: "Aug", «آب», with ``-x-msa`` «أغسطس»)."""
    if not 1 <= int(month) <= 12:
        raise CatalogueError(f"month must be 1 to 12, not {month!r}")
    return babel_dates.get_month_names("abbreviated", locale=cldr_locale(lang))[int(month)]


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# CLDR skeletons: the locale orders day, month and year ("13 Aug 2017", «13 آب 2017»).
_SKELETONS = {"day": "yMMMd", "month": "yMMM", "year": "y"}


def format_date(d: Any, lang: str = DEFAULT_LANG, style: str | None = None) -> str:
    """A date the way the interface writes it (Babel, CLDR): "13 Aug 2017", «13 آب 2017», «آب 2017».

    `d` is a ``date``/``datetime`` or an ISO text as figures store it (``YYYY-MM-DD``, ``YYYY-MM``,
    ``YYYY``); `style` (``day``, ``month``, ``year``) defaults to the precision of `d`. Empty
    values read "date unknown"; a text that is not a date is returned as it is.
    """
    if d is None or d == "" or (isinstance(d, float) and d != d):
        return t("common.date_unknown", lang)
    if isinstance(d, dt.date):
        y, m, day = d.year, d.month, d.day
    else:
        s = str(d).strip()
        if s in ("NaT", "nan", "None"):
            return t("common.date_unknown", lang)
        match = _ISO_DATE.match(s)
        if not match:
            return s
        y = int(match.group(1))
        m = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
        if (m is not None and not 1 <= m <= 12) or (day is not None and not 1 <= day <= 31):
            return s
    style = style or ("day" if day else "month" if m else "year")
    if style not in _SKELETONS:
        raise CatalogueError(f"date style must be day, month or year, not {style!r}")
    if style == "day" and not day:
        style = "month" if m else "year"
    if style == "month" and not m:
        style = "year"
    try:
        when = dt.date(y, m or 1, day if style == "day" else 1)
    except ValueError:  # 31 June
        return str(d)
    text = babel_dates.format_skeleton(_SKELETONS[style], when, locale=cldr_locale(lang))
    return digits(text, lang)


# ---- Markdown -----------------------------------------------------------------------------------
_MD_SPECIAL = "\\`*_{}[]()<>#+-.!|~$:"
_MD_TABLE = {ord(c): "\\" + c for c in _MD_SPECIAL}
_MD_TABLE[ord("\n")] = " "
_MD_TABLE[ord("\r")] = " "


def md_escape(value: Any) -> str:
    """`value` as literal text inside Markdown: no links, emphasis, HTML, LaTeX or headings."""
    return str(value).translate(_MD_TABLE)


def md(key: str, lang: str = DEFAULT_LANG, /, **values: Any) -> str:
    """Like `t`, for Markdown elements: every value is escaped, the catalogue text is not.
    Numbers are written in the locale's digits before they are escaped. In a right-to-left
    language each text value is a first-strong isolate, so a Latin file name followed by a
    colon ("report.txt:") keeps its place in the Arabic sentence."""
    loc = locale(lang)
    rtl = is_rtl(lang)

    def value(v: Any) -> str:
        text = md_escape(_value(v, loc))
        return f"{FSI}{text}{PDI}" if rtl and isinstance(v, str) and text else text

    return t(key, lang, **{k: value(v) for k, v in values.items()})


def placeholders(text: Message) -> set[str]:
    """The ``{names}`` a message uses (of all its plural forms)."""
    forms = text.values() if isinstance(text, dict) else [text]
    return {name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name}


def problems(lang: str) -> list[str]:
    """What is wrong with a translation, compared with English (empty list when complete):
    keys missing or extra, other placeholders, plural messages that are not plural in both
    languages or lack a form the language needs (or have one it does not use)."""
    ref = _load(DEFAULT_LANG).messages
    cat = _load(lang).messages
    needed = set(plural_categories(lang))
    out = [f"{lang}.json: missing key {k!r}" for k in ref if k not in cat]
    out += [f"{lang}.json: key {k!r} is not in {DEFAULT_LANG}.json" for k in cat if k not in ref]
    for k, text in cat.items():
        if isinstance(text, dict):
            missing = [c for c in plural_categories(lang) if c not in text]
            extra = [c for c in text if c not in needed]
            if missing:
                out.append(f"{lang}.json: plural message {k!r} lacks the form(s) {', '.join(missing)}")
            if extra:
                out.append(f"{lang}.json: plural message {k!r} has form(s) {lang} does not use: {', '.join(extra)}")
        if k not in ref:
            continue
        if isinstance(text, dict) != isinstance(ref[k], dict):
            plural_in = lang if isinstance(text, dict) else DEFAULT_LANG
            out.append(f"{lang}.json: key {k!r} is a plural message only in {plural_in}.json")
        ours, theirs = placeholders(text) - {"n"}, placeholders(ref[k]) - {"n"}
        if isinstance(text, dict) and isinstance(ref[k], dict):
            pass  # a form may leave the count out («رقم واحد»)
        else:
            ours, theirs = placeholders(text), placeholders(ref[k])
        if ours != theirs:
            out.append(
                f"{lang}.json: key {k!r} uses placeholders {sorted(placeholders(text))}, "
                f"{DEFAULT_LANG}.json uses {sorted(placeholders(ref[k]))}"
            )
    return out


def clear_caches() -> None:
    _load.cache_clear()
    locale.cache_clear()
