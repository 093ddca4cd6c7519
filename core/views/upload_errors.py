"""Upload errors (`core.intake.uploads.MESSAGES`, English) shown in the interface language: the
English message is matched against the templates and rebuilt from the catalogue.
"""

from __future__ import annotations

import re
import string

from core.i18n.catalogue import DEFAULT_LANG, FSI, PDI, has, is_rtl, t
from core.intake import uploads


# ---- upload errors ------------------------------------------------------------------------------
def _upload_patterns() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for key, template in uploads.MESSAGES.items():
        pattern, seen = "", set()
        for literal, field, _, _ in string.Formatter().parse(template):
            pattern += re.escape(literal)
            if field:
                pattern += f"(?P={field})" if field in seen else f"(?P<{field}>.+?)"
                seen.add(field)
        out.append((key, re.compile(pattern + r"\Z", re.S)))
    return out


_UPLOAD_PATTERNS: list[tuple[str, re.Pattern[str]]] = []


def _detail(detail: str, lang: str) -> str:
    """Why a file is damaged (``upload.detail.<English>``); a library's own words stay as they are,
    isolated in a right-to-left language."""
    if has(f"upload.detail.{detail}"):
        return t(f"upload.detail.{detail}", lang)
    what = detail.removeprefix("it is ")
    if what != detail and has(f"upload.what.{what}"):
        return t("upload.detail.it is {what}", lang, what=t(f"upload.what.{what}", lang))
    return f"{FSI}{detail}{PDI}" if is_rtl(lang) else detail


def upload_error(message: str, lang: str = DEFAULT_LANG, named: bool = True) -> str:
    r"""An upload's error (`core.intake.uploads.UploadError`'s English message) in the interface language.

    The message is matched against `core.intake.uploads.MESSAGES` and rewritten with the catalogue's
    ``upload.error.<key>`` text; its values (file name, sizes, details) are kept, except the kind
    of file a binary upload looks like (``upload.what.<English>``). In a right-to-left language
    the file name is a first-strong isolate (``\u2068…\u2069``), so "notes.odt:" stays at the
    start of the Arabic sentence. Any other message (a database error) is returned as it is. With
    ``named=False`` the leading "<file name>: " is left out, for a sentence that names the file
    itself ("bad.pdf was not added: the file is damaged…").

    >>> upload_error("notes.odt: this file type is not supported. "
    ...              "Upload .txt, .html, .docx or .pdf, or paste the text.", "ar")
    '\u2068notes.odt\u2069: هذا النوع من الملفات غير مدعوم. ارفع ملفًا بصيغة txt أو html أو docx أو pdf، أو الصق النص.'
    """
    if not _UPLOAD_PATTERNS:
        _UPLOAD_PATTERNS.extend(_upload_patterns())
    text = str(message)
    for key, pattern in _UPLOAD_PATTERNS:
        m = pattern.match(text)
        if m:
            values = m.groupdict()
            if values.get("name") == "Pasted text":
                values["name"] = t("upload.pasted_name", lang)
            elif values.get("name") == "The file":
                values["name"] = t("upload.unnamed_file", lang)
            if "what" in values and has(f"upload.what.{values['what']}"):
                values["what"] = t(f"upload.what.{values['what']}", lang)
            if "detail" in values:
                values["detail"] = _detail(values["detail"], lang)
            if is_rtl(lang):
                values["name"] = f"{FSI}{values['name']}{PDI}"
            if not named:
                out = t(f"upload.error.{key}", lang, **{**values, "name": "\0"})
                return out.removeprefix("\0: ").replace("\0", values["name"])
            return t(f"upload.error.{key}", lang, **values)
    return text
