"""The words the dashboard shows, looked up by key in ``data/i18n/<lang>.json``.

Every user-facing string of the pages comes from a catalogue, so that a translation is a data
change, never a code change::

    >>> t("trends.title", "en")
    'Weekly casualty trends'
    >>> t("upload.duplicate", "en", name="report.txt")
    'report.txt: already in the database.'

A catalogue file has the shape ``{"_doc": "...", "direction": "ltr"|"rtl", "messages": {key: text}}``.
Texts use ``str.format`` placeholders (``{name}``). English (``en``) is the reference: another
language may lack a key (English is shown instead, and `problems` lists it) but must not add keys
English does not have, nor use different placeholders. Files are read once per process;
`clear_caches()` lets tests reload them.

Values put into a message are the caller's: user text (file names, outlets, titles) must be
escaped for where the message is shown. `md` formats a message for ``st.markdown``-like
elements and escapes every value so that an article title can neither add a link nor markup.
"""

from __future__ import annotations

import json
import string
from functools import cache
from pathlib import Path
from typing import Any

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "data" / "i18n"
DEFAULT_LANG = "en"


class CatalogueError(ValueError):
    """A message catalogue is missing, malformed, or a key is unknown."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    dups = []
    for k, v in pairs:
        if k in seen:
            dups.append(k)
        seen[k] = v
    if dups:
        raise CatalogueError(f"duplicate key(s): {', '.join(sorted(set(dups)))}")
    return seen


def languages() -> list[str]:
    """Languages that have a catalogue file, English first."""
    found = sorted(p.stem for p in CATALOGUE_DIR.glob("*.json"))
    return sorted(found, key=lambda lang: (lang != DEFAULT_LANG, lang))


@cache
def _load(lang: str) -> tuple[dict[str, str], str]:
    path = CATALOGUE_DIR / f"{lang}.json"
    if not path.exists():
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
        if not isinstance(text, str):
            problems.append(f"{key}: expected a string, got {type(text).__name__}")
    direction = data.get("direction", "ltr")
    if direction not in ("ltr", "rtl"):
        problems.append(f'"direction" must be "ltr" or "rtl", not {direction!r}')
    if problems:
        raise CatalogueError(f"{path.name}: " + "; ".join(problems))
    return dict(messages), direction


def messages(lang: str = DEFAULT_LANG) -> dict[str, str]:
    """The catalogue of one language (a copy)."""
    return dict(_load(lang)[0])


def direction(lang: str = DEFAULT_LANG) -> str:
    """``rtl`` or ``ltr``: how the language's interface text runs."""
    return _load(lang)[1]


def t(key: str, lang: str = DEFAULT_LANG, /, **values: Any) -> str:
    """The message `key` in `lang` (English when the language lacks it), filled with `values`."""
    text = _load(lang)[0].get(key) if lang != DEFAULT_LANG else None
    if text is None:
        text = _load(DEFAULT_LANG)[0].get(key)
    if text is None:
        raise CatalogueError(f"Unknown message key {key!r} (add it to data/i18n/{DEFAULT_LANG}.json).")
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError) as err:
        raise CatalogueError(f"Message {key!r} in {lang!r} could not be filled with {sorted(values)}: {err}") from err


def label(kind: str, key: str | None, lang: str = DEFAULT_LANG) -> str:
    """The display name of a data key (``label("group", "children")`` → ``children``).

    A key the catalogue does not name (a new source, a place as written) is shown as it is."""
    if key is None:
        return t("common.not_stated", lang)
    full = f"{kind}.{key}"
    if full in _load(lang)[0] or full in _load(DEFAULT_LANG)[0]:
        return t(full, lang)
    return str(key)


_MD_SPECIAL = "\\`*_{}[]()<>#+-.!|~$:"
_MD_TABLE = {ord(c): "\\" + c for c in _MD_SPECIAL}
_MD_TABLE[ord("\n")] = " "
_MD_TABLE[ord("\r")] = " "


def md_escape(value: Any) -> str:
    """`value` as literal text inside Markdown: no links, emphasis, HTML, LaTeX or headings."""
    return str(value).translate(_MD_TABLE)


def md(key: str, lang: str = DEFAULT_LANG, /, **values: Any) -> str:
    """Like `t`, for Markdown elements: every value is escaped, the catalogue text is not."""
    return t(key, lang, **{k: md_escape(v) for k, v in values.items()})


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def problems(lang: str) -> list[str]:
    """What is wrong with a translation, compared with English (empty list when complete)."""
    ref = _load(DEFAULT_LANG)[0]
    cat = _load(lang)[0]
    out = [f"{lang}.json: missing key {k!r}" for k in ref if k not in cat]
    out += [f"{lang}.json: key {k!r} is not in {DEFAULT_LANG}.json" for k in cat if k not in ref]
    for k, text in cat.items():
        if k in ref and placeholders(text) != placeholders(ref[k]):
            out.append(
                f"{lang}.json: key {k!r} uses placeholders {sorted(placeholders(text))}, "
                f"{DEFAULT_LANG}.json uses {sorted(placeholders(ref[k]))}"
            )
    return out


def clear_caches() -> None:
    _load.cache_clear()
