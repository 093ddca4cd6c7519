"""Word (.docx) and PDF uploads (`core.intake.decode`): bounded unzipping, and PDF text in reading
order (Arabic presentation forms unfolded, letter-reversed Arabic turned around).
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile

from core.intake.uploads import (
    _AR_LETTER,
    _AR_RE,
    _CONTROL_RE,
    _DOCX_UNZIP_FACTOR,
    _LATIN_LETTER,
    _LATIN_RE,
    _LETTER_RE,
    _PDF_COMPAT_RE,
    UploadError,
    _fail,
    _mb,
    _unfold_presentation_char,
)

log = logging.getLogger(__name__)
# ---------------------------------------------------------------------------------------------
# DOCX


def _decode_docx(data: bytes, filename: str | None, max_bytes: int) -> tuple[str, dict[str, str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(max(0, info.file_size) for info in zf.infolist())
    except Exception as err:  # noqa: BLE001
        raise _fail("malformed", filename, kind="Word .docx", detail="it is not a valid ZIP package") from err
    limit = max_bytes * _DOCX_UNZIP_FACTOR
    if unpacked > limit:
        raise _fail("too_large_unzipped", filename, reason="too_large", limit=_mb(limit))
    try:
        import docx
        from docx.table import Table

        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                for row in item.rows:
                    seen: set[int] = set()
                    cells = []
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # a merged cell repeats itself
                            continue
                        seen.add(id(cell._tc))
                        cells.append(" ".join(cell.text.split()))
                    blocks.append("\t".join(cells).rstrip())
            else:
                blocks.append(item.text)
        title = (document.core_properties.title or "").strip()
    except Exception as err:  # noqa: BLE001 - python-docx raises many types on bad packages
        raise _fail("malformed", filename, kind="Word .docx", detail=_short(err)) from err
    meta = {"title": " ".join(title.split())} if title else {}
    return "\n".join(blocks), meta


def _short(err: BaseException) -> str:
    msg = " ".join(str(err).split()) or type(err).__name__
    return msg[:120]


# ---------------------------------------------------------------------------------------------
# PDF
#
# pypdf (7.x) reads glyphs in content-stream order and reverses each right-to-left run as it goes, so
# every run comes out in reading order but the runs of a line keep their drawing order (left to
# right). On a line that mixes Arabic with digits or Latin words, or that a PDF writer drew in several
# pieces, the pieces then appear in the wrong order ("مدنيا 23 قتل" for "قتل 23 مدنيا"). `_pdf_line`
# undoes this: it turns each run pypdf reports back into drawing order, which gives the line as it
# looks on the page, and converts that visual line to reading order. Like pypdf, it assumes a writer
# draws each line from left to right (true of the writers we tried); pypdf's reported positions are
# those of the operation that ended a run, not where it started, so they cannot be used to sort.

# Direction classes as pypdf (pypdf/_utils.py) uses them, so runs can be turned back exactly.
_PDF_RTL_RE = re.compile("[\u0590-\u065f\u066e-\u06ef\u06fa-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LTR_CLASS = f"{_LATIN_LETTER}0-9\u0660-\u0669\u06f0-\u06f9"
# Runs that keep left-to-right order inside a right-to-left line: Latin words (with what sits between
# them), numbers with their separators.
_LTR_RUN_RE = re.compile(
    f"[{_LATIN_LETTER}](?:[^\n\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]*[{_LTR_CLASS}])?"
    "|[%\u066a]?[0-9\u0660-\u0669\u06f0-\u06f9]+(?:[-.,:/\u066b\u066c][0-9\u0660-\u0669\u06f0-\u06f9]+)*"
)
_RTL_RUN_RE = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff](?:[^\n" + _LTR_CLASS + "]*[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff])?"
)


def _visual_to_logical(line: str) -> str:
    """Reading order of one line shown left to right on the page."""
    if len(_AR_RE.findall(line)) >= len(_LATIN_RE.findall(line)):
        # Right-to-left line: read from the right, except Latin words and numbers.
        return _LTR_RUN_RE.sub(lambda m: m.group(0)[::-1], line[::-1])
    # Left-to-right line with Arabic words in it: only those read from the right.
    return _RTL_RUN_RE.sub(lambda m: m.group(0)[::-1], line)


def _pdf_line(runs: list[str]) -> str:
    """One line from the runs pypdf reported for it, in the order it reported them."""
    text = "".join(runs)
    if not _PDF_RTL_RE.search(text):
        return text
    visual = "".join(run[::-1] if _PDF_RTL_RE.search(run) else run for run in runs)
    return _visual_to_logical(visual)


def _pdf_page_text(page) -> str:  # noqa: ANN001
    lines: list[str] = []
    runs: list[str] = []

    def visit(text: str, cm, tm, font_dict, font_size) -> None:  # noqa: ANN001
        nonlocal runs
        if not text:
            return
        for i, part in enumerate(text.split("\n")):
            if i:
                lines.append(_pdf_line(runs))
                runs = []
            if part:
                runs.append(part)

    page.extract_text(visitor_text=visit)
    if runs:
        lines.append(_pdf_line(runs))
    return "\n".join(lines)


def _form_kind(ch: str) -> str | None:
    if not ("\ufb50" <= ch <= "\ufeff"):
        return None
    decomposition = unicodedata.decomposition(ch)
    if decomposition.startswith("<"):
        return decomposition[1 : decomposition.index(">")]
    return None


_AR_WORD_RE = re.compile(f"[{_AR_LETTER}\u064b-\u0652\u0670]+")
_REVERSED_MIN_VOTES = 3


def _reversal_votes(text: str) -> tuple[int, int]:
    """(reading-order votes, reversed votes) from the Arabic words of ``text``.

    A word in reading order starts with an initial form and ends with a final form, may start with
    the article "ال" (optionally after و/ف/ب/ك), and may end, but never start, with ة or ى. Each
    clue seen the other way round is a vote for letter-reversed text.
    """
    forward = backward = 0
    for word in _AR_WORD_RE.findall(text):
        first_kind, last_kind = _form_kind(word[0]), _form_kind(word[-1])
        if first_kind == "initial" or last_kind == "final":
            forward += 1
        if first_kind == "final" or last_kind == "initial":
            backward += 1
        plain = unicodedata.normalize("NFKC", word)
        plain = re.sub("[\u064b-\u0652\u0670]", "", plain)
        if len(plain) < 2:
            continue
        if plain[-1] in "ةى":
            forward += 1
        if plain[0] in "ةى":
            backward += 1
        if len(plain) >= 4:
            if re.match("[وفبك]?ال", plain):
                forward += 1
            if re.search("لا[وفبك]?$", plain):
                backward += 1
    return forward, backward


def _looks_letter_reversed(text: str) -> bool:
    """True when the Arabic words of ``text`` are clearly spelled backwards (see `_reversal_votes`)."""
    forward, backward = _reversal_votes(text)
    return backward >= _REVERSED_MIN_VOTES and backward > 2 * forward


def _clean_pdf_text(text: str) -> str:
    text = _CONTROL_RE.sub("", text)
    if _looks_letter_reversed(text):
        # Letter-reversed: the PDF stored its Arabic in reading order but drawn left to right, so
        # reading it "visually" turned it around. Converting once more puts it back.
        text = "\n".join(_visual_to_logical(line) for line in text.split("\n"))
    text = _PDF_COMPAT_RE.sub(_unfold_presentation_char, text)
    text = unicodedata.normalize("NFC", text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


def _decode_pdf(data: bytes, filename: str | None) -> tuple[str, dict[str, str]]:
    try:
        import pypdf
        from pypdf.errors import DependencyError, FileNotDecryptedError

        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except DependencyError as err:
                # AES needs the optional `cryptography` package, even for PDFs without a password.
                raise _fail("malformed_encrypted_aes", filename, reason="malformed") from err
            except Exception as err:  # noqa: BLE001 - bad encryption dictionary
                raise _fail("malformed_encrypted", filename, reason="malformed") from err
            if not ok:
                raise _fail("malformed_encrypted", filename, reason="malformed")
        pages = list(reader.pages)
    except UploadError:
        raise
    except Exception as err:  # noqa: BLE001 - pypdf raises many types on damaged files
        raise _fail("malformed", filename, kind="PDF", detail=_short(err)) from err
    texts: list[str] = []
    failures = 0
    for number, page in enumerate(pages, 1):
        try:
            texts.append(_pdf_page_text(page))
        except FileNotDecryptedError as err:
            raise _fail("malformed_encrypted", filename, reason="malformed") from err
        except Exception as err:  # noqa: BLE001 - one bad page must not sink the file
            failures += 1
            log.debug("%s: page %d could not be read: %s", filename, number, err)
    if pages and failures == len(pages):
        raise _fail("malformed", filename, kind="PDF", detail="none of its pages could be read")
    meta: dict[str, str] = {}
    try:
        info = reader.metadata
        title = info.title if info is not None else None
        if isinstance(title, str) and title.strip():
            meta["title"] = " ".join(title.split())
    except Exception as err:  # noqa: BLE001 - metadata is optional
        log.debug("%s: PDF metadata unreadable: %s", filename, err)
    body = _clean_pdf_text("\n\n".join(texts))
    if not _LETTER_RE.search(body):
        raise _fail("no_text_pdf", filename, reason="no_text")
    return body, meta
