"""Turning an upload (file bytes or pasted text) into article text plus metadata, safely.

`decode_upload(data, filename)` accepts .txt, .html/.htm, .docx and .pdf; `decode_pasted(text)` takes
what a journalist pasted. Both return a `DecodedArticle` or raise `UploadError`, whose ``reason`` is one
of ``REASONS`` and whose message says which file, what was wrong and what to do next. No other
exception leaves these two functions, whatever the bytes: third-party errors are wrapped.

How each format is read:

* Plain text: a byte-order mark decides UTF-8/UTF-16/UTF-32; NUL bytes without a BOM are tried as
  UTF-16 (LE/BE, when the NULs all sit on one byte parity) and otherwise mean binary data; then strict
  UTF-8 (also before an HTML page's declared charset); then UTF-8 with a few damaged bytes (kept as
  U+FFFD); then the Arabic Windows and ISO code pages (cp1256, ISO-8859-6), accepted only when the
  result is mostly Arabic letters (charset-normalizer alone often guesses a wrong code page for short
  cp1256 text); then charset-normalizer limited to the code pages a newsroom meets, accepted only
  when the result reads as Latin-script text.
* The optional header (``key: value`` lines ended by one blank line, as in the corpus .txt files) is
  read by `split_header`; the body after it is kept exactly as stored, because quotes are matched
  against it. Headers are read from .txt, .docx and pasted text.
* HTML: BeautifulSoup with lxml. Scripts, styles, navigation, page header/footer, forms and asides are
  dropped; the text comes from the longest ``<article>`` or else the element holding the most paragraph
  text, one line per block. ``<title>`` and common ``<meta>`` tags fill ``meta``.
* DOCX: python-docx, paragraphs and table rows in document order; the core "title" property fills
  ``meta['title']``.
* PDF: pypdf. Its text runs are put back in reading order (see `_pdf_line`), Arabic presentation forms
  are unfolded to ordinary letters, and a document whose Arabic words still come out letter-reversed is
  detected by `_looks_letter_reversed` and turned around.

`normalise_article_text` gives the canonical text hashed into the article id; `detect_language`
counts Arabic against Latin letters.

Known limitations:

* PDF reading order assumes each line is drawn left to right, piece after piece, as the writers we
  tried do; a PDF that draws a line's pieces out of order can still come out scrambled. The
  letter-reversal check needs at least three clues (ال at a word start, ة/ى at a word end, initial
  and final letter forms) and a 2:1 majority, so a very short reversed PDF is left as extracted.
  Lines made only of Latin text inside a right-to-left PDF keep pypdf's order (a full stop may sit
  at the start). Scanned PDFs need OCR, which is not done here. AES-encrypted PDFs (common for
  "restricted" files without a password) need the optional ``cryptography`` package.
* HTML: the article is found by structure only (<article>, paragraph density), not by site-specific
  rules; a page without <p> elements gives the whole visible body text.
* A first line such as ``Update: ...`` followed by a blank line is read as a header.
* BOM-less UTF-16 must contain some ASCII (spaces, digits) to be recognised.
"""

from __future__ import annotations

import logging

from core.intake.documents import _decode_docx, _decode_pdf, _short
from core.intake.html_text import _decode_html
from core.intake.uploads import (
    _SURROGATE_RE,
    MAX_BYTES_DEFAULT,
    SUPPORTED_EXTENSIONS,
    DecodedArticle,
    UploadError,
    _decode_text_bytes,
    _extension,
    _fail,
    _mb,
    _sniff,
    detect_language,
    split_header,
)

log = logging.getLogger(__name__)
# ---------------------------------------------------------------------------------------------
# Entry points


def _finish(
    body: str, meta: dict[str, str], fmt: str, encoding: str | None, filename: str | None, pasted: bool = False
) -> DecodedArticle:
    lang = detect_language(body)
    if lang is None:
        if not body.strip():
            raise _fail("empty_pasted" if pasted else "empty", filename, reason="empty", pasted=pasted)
        raise _fail("no_text", filename, pasted=pasted)
    return DecodedArticle(text=body, meta=meta, format=fmt, encoding=encoding, lang=lang, filename=filename)


def decode_upload(data: bytes, filename: str, max_bytes: int = MAX_BYTES_DEFAULT) -> DecodedArticle:
    """Decode an uploaded file into article text and metadata, or raise `UploadError`.

    The extension says what the file should be and the first bytes what it is: a file whose content
    is a PDF, Word document or HTML page is read as such whatever its extension says.
    """
    try:
        return _decode_upload(bytes(data), filename, max_bytes)
    except UploadError:
        raise
    except RecursionError as err:
        raise _fail("malformed", filename, kind=_extension(filename) or "text",
                    detail="it is nested too deeply to read") from err
    except Exception as err:  # noqa: BLE001 - last line of defence: never a traceback for the user
        log.debug("%s: unexpected decoding failure", filename, exc_info=True)
        raise _fail("malformed", filename, kind=_extension(filename) or "text", detail=_short(err)) from err


def _decode_upload(data: bytes, filename: str | None, max_bytes: int) -> DecodedArticle:
    if not data:
        raise _fail("empty", filename)
    if len(data) > max_bytes:
        raise _fail("too_large", filename, size=_mb(len(data)), limit=_mb(max_bytes))
    ext = _extension(filename)
    kind, what = _sniff(data)
    if kind == "ole" or ext == ".doc":
        raise _fail("unsupported_doc", filename, reason="unsupported_type")
    if kind == "rtf" or ext == ".rtf":
        raise _fail("unsupported_rtf", filename, reason="unsupported_type")
    if ext and ext not in SUPPORTED_EXTENSIONS:
        raise _fail("unsupported_type", filename)
    if kind == "zip" and ext == ".docx":
        raise _fail("malformed", filename, kind="Word .docx", detail=f"it is {what}")
    if kind in ("binary", "zip"):
        raise _fail("binary", filename, what=what or "binary data")
    if kind == "pdf":
        body, meta = _decode_pdf(data, filename)
        return _finish(body, meta, "pdf", None, filename)
    if kind == "docx":
        text, meta = _decode_docx(data, filename, max_bytes)
        header, body, _ = split_header(text)
        return _finish(body, {**meta, **header}, "docx", None, filename)
    if ext == ".pdf":
        raise _fail("malformed", filename, kind="PDF", detail="it does not start like a PDF")
    if ext == ".docx":
        raise _fail("malformed", filename, kind="Word .docx", detail="it is not a valid ZIP package")
    if not data.strip(b" \t\r\n\x0b\x0c"):
        raise _fail("empty", filename)
    if kind == "html" or ext in (".html", ".htm"):
        body, meta, encoding = _decode_html(data, filename)
        return _finish(body, meta, "html", encoding, filename)
    text, encoding = _decode_text_bytes(data, filename)
    header, body, _ = split_header(text)
    return _finish(body, header, "txt", encoding, filename)


def decode_pasted(text: str, max_bytes: int = MAX_BYTES_DEFAULT) -> DecodedArticle:
    """Pasted article text (optionally with the ``key: value`` header) as a `DecodedArticle`."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise TypeError(f"decode_pasted expects str, got {type(text).__name__}")
    if _SURROGATE_RE.search(text):
        text = _SURROGATE_RE.sub("\ufffd", text)
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise _fail("too_large_pasted", None, reason="too_large", pasted=True, size=_mb(size), limit=_mb(max_bytes))
    if not text.strip():
        raise _fail("empty_pasted", None, reason="empty", pasted=True)
    header, body, _ = split_header(text)
    return _finish(body, header, "pasted", None, None, pasted=True)
