"""What every upload shares (`core.intake.decode`): the size limit, the messages a journalist sees,
`UploadError` and `DecodedArticle`; character classes, the optional header, sniffing the format,
and plain-text bytes to text.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

MAX_BYTES_DEFAULT = 5 * 1024 * 1024
SUPPORTED_EXTENSIONS = (".txt", ".html", ".htm", ".docx", ".pdf")
REASONS = ("empty", "too_large", "unsupported_type", "binary", "undecodable", "no_text", "malformed")

_MB = 1024 * 1024
# A .docx is a zip: refuse one that unpacks to more than this many times the upload limit.
_DOCX_UNZIP_FACTOR = 20
_WHAT_NEXT = "Upload .txt, .html, .docx or .pdf, or paste the text."

# Messages a journalist sees, keyed by reason (and a few sub-cases). ``{name}`` is the file name or
# "Pasted text"; the pages and tests may assert on these.
MESSAGES = {
    "empty": "{name}: the file is empty. Check that you picked the right file, or paste the article text.",
    "empty_pasted": "{name}: there is nothing to add. Paste the article text first.",
    "too_large": "{name}: the file is {size} MB, over the {limit} MB limit. "
    "Split it into smaller files or paste just the article text.",
    "too_large_pasted": "{name}: the text is {size} MB, over the {limit} MB limit. Paste one article at a time.",
    "too_large_unzipped": "{name}: the Word file unpacks to more than {limit} MB, which is too large to read. "
    "Save the article on its own as .docx or .txt and upload that.",
    "unsupported_type": "{name}: this file type is not supported. " + _WHAT_NEXT,
    "unsupported_doc": "{name}: this is an old Word .doc (or other Office) file, which is not supported. "
    "Open it in Word or LibreOffice, save it as .docx or .txt, and upload that.",
    "unsupported_rtf": "{name}: this is an RTF file, which is not supported. "
    "Open it in a word processor, save it as .docx or .txt, and upload that.",
    "binary": "{name}: this looks like {what}, not article text. " + _WHAT_NEXT,
    "undecodable": "{name}: the text's character encoding could not be recognised. "
    "Save the file as UTF-8 text (in Notepad: Save As, Encoding: UTF-8) and upload it again, or paste the text.",
    "no_text": "{name}: no Arabic or English text was found in it. "
    "Check that it is the article itself, or paste the text.",
    "no_text_pdf": "{name}: this PDF has no text layer (it is probably a scan or made of images). "
    "Run it through OCR first, or paste the text.",
    "malformed": "{name}: the file is damaged or is not a real {kind} file ({detail}). "
    "Save or export it again and upload the new copy, or paste the text.",
    "malformed_encrypted": "{name}: this PDF is password-protected, so its text cannot be read. "
    "Remove the password (for example print it to a new PDF) and upload again, or paste the text.",
    "malformed_encrypted_aes": "{name}: this PDF is encrypted (even if it opens without a password), "
    "and this installation cannot decrypt it. Print it to a new PDF and upload that, or paste the text.",
}


class UploadError(ValueError):
    """An upload that cannot be turned into article text; ``str(err)`` says what to do next."""

    def __init__(self, reason: str, message: str, filename: str | None = None) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown UploadError reason {reason!r}; expected one of {REASONS}")
        super().__init__(message)
        self.reason = reason
        self.filename = filename


@dataclass(frozen=True)
class DecodedArticle:
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    format: str = "txt"
    encoding: str | None = None
    lang: str | None = None
    filename: str | None = None


# ---------------------------------------------------------------------------------------------
# Characters and scripts

# Arabic letters (base block, supplements, presentation forms); diacritics and digits excluded.
_AR_LETTER = (
    "\u0621-\u063a\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufbb1\ufbd3-\ufd3d\ufd50-\ufdc7\ufdf0-\ufdfb\ufe80-\ufefc"
)
_LATIN_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_AR_RE = re.compile(f"[{_AR_LETTER}]")
_LATIN_RE = re.compile(f"[{_LATIN_LETTER}]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
_PDF_COMPAT_RE = re.compile("[\ufb00-\ufb06\ufb50-\ufdff\ufe70-\ufefe]")
# C0 controls other than tab, newline, vertical tab, form feed, carriage return, DOS EOF and escape.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26, 27))
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x19\x1c-\x1f\x7f]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_NON_ASCII_RE = re.compile("[^\x00-\x7f]")
# What plausible Arabic text is made of: Arabic block, ASCII, common punctuation and spaces.
_AR_TEXT_CHAR_RE = re.compile("[\u0600-\u06ff\u0020-\u007e\u00a0\u00ab\u00bb\u2010-\u2027\u200c-\u200f\\s]")


def detect_language(text: str) -> str | None:
    """'ar' if Arabic letters are at least as many as Latin ones, 'en' if Latin letters win, else None.

    >>> detect_language("قتل ثلاثة مدنيين in Raqqa")
    'ar'
    >>> detect_language("Three civilians were killed in Raqqa")
    'en'
    >>> detect_language("2017 - 12") is None
    True
    """
    ar = len(_AR_RE.findall(text))
    latin = len(_LATIN_RE.findall(text))
    if ar and ar >= latin:
        return "ar"
    if latin:
        return "en"
    return None


def _unfold_presentation_char(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch == "\ufeff":
        return ""
    folded = unicodedata.normalize("NFKC", ch)
    # Isolated-form diacritics (U+FE70 ...) unfold to "space + mark": keep only the mark.
    if len(folded) == 2 and folded[0] == " " and unicodedata.combining(folded[1]):
        return folded[1]
    return folded


def unfold_presentation_forms(text: str) -> str:
    """Arabic presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFF) as ordinary letters.

    Lam-alef ligatures become two letters; a BOM/zero-width no-break space is dropped.

    >>> unfold_presentation_forms("\\ufe8d\\ufef7\\ufec3\\ufed4\\ufe8e\\ufedd")
    'الأطفال'
    """
    return _PRESENTATION_RE.sub(_unfold_presentation_char, text)


def normalise_article_text(text: str) -> str:
    """The canonical text hashed into the article id: the same article gives the same string.

    NFC, presentation forms unfolded, BOMs removed, every newline as ``\\n``, no trailing spaces on a
    line and no blank lines at either end.

    >>> normalise_article_text("\\ufeffقتل 3  \\r\\nمدنيين\\r\\n\\r\\n")
    'قتل 3\\nمدنيين'
    """
    text = text.replace("\ufeff", "")
    text = unfold_presentation_forms(text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


# ---------------------------------------------------------------------------------------------
# Header

_HEADER_LINE_RE = re.compile(r"([A-Za-z_]+)[ \t]*:(.*)")


def split_header(text: str) -> tuple[dict[str, str], str, int]:
    """Read the optional ``key: value`` header: returns ``(meta, body, body_offset)``.

    The header is every line before the first blank line, and only counts if each of those lines is
    ``key: value`` with a key of ASCII letters or underscores. Keys are lower-cased; a repeated key keeps
    its first value. ``body`` is ``text[body_offset:]``, unchanged (a leading BOM is skipped). Without a
    header, ``meta`` is empty and ``body`` is the whole text. Never raises.

    >>> split_header("source: https://example.org/a\\ndate: 2017-08-28\\n\\nقتل 3 مدنيين")
    ({'source': 'https://example.org/a', 'date': '2017-08-28'}, 'قتل 3 مدنيين', 48)
    >>> split_header("Breaking: 3 killed\\nin Raqqa\\n\\nmore")[0]
    {}
    """
    start = 1 if text.startswith("\ufeff") else 0
    meta: dict[str, str] = {}
    pos = start
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        if nl < 0:
            return {}, text[start:], start  # header lines but no blank line: not a header
        line = text[pos:nl]
        if line.endswith("\r"):
            line = line[:-1]
        if not line.strip():
            if not meta:
                return {}, text[start:], start
            return meta, text[nl + 1 :], nl + 1
        m = _HEADER_LINE_RE.fullmatch(line)
        if m is None:
            return {}, text[start:], start
        meta.setdefault(m.group(1).lower(), m.group(2).strip(" \t"))
        pos = nl + 1
    return {}, text[start:], start


# ---------------------------------------------------------------------------------------------
# Errors


def _display_name(filename: str | None) -> str:
    if not filename:
        return "The file"
    name = re.split(r"[\\/]", filename)[-1]
    return name or "The file"


def _fail(
    key: str, filename: str | None, reason: str | None = None, pasted: bool = False, **fields: object
) -> UploadError:
    reason = reason or key
    name = "Pasted text" if pasted else _display_name(filename)
    return UploadError(reason, MESSAGES[key].format(name=name, **fields), filename)


def _mb(n: float) -> str:
    value = n / _MB
    if value >= 10:
        return f"{value:.0f}"
    if value >= 0.1:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.2g}"


def _extension(filename: str | None) -> str:
    name = _display_name(filename) if filename else ""
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


# ---------------------------------------------------------------------------------------------
# Sniffing

_BINARY_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF87a", "an image (GIF)"),
    (b"GIF89a", "an image (GIF)"),
    (b"II*\x00", "an image (TIFF)"),
    (b"MM\x00*", "an image (TIFF)"),
    (b"\x1f\x8b", "a compressed archive (gzip)"),
    (b"7z\xbc\xaf\x27\x1c", "a compressed archive (7-Zip)"),
    (b"Rar!\x1a\x07", "a compressed archive (RAR)"),
    (b"\x7fELF", "a program"),
    (b"ID3", "an audio file"),
)
_HTML_START_RE = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.I | re.S)


def _sniff(data: bytes) -> tuple[str, str | None]:
    """(kind, description): kind is 'pdf', 'docx', 'zip', 'ole', 'rtf', 'binary', 'html' or 'text'."""
    if b"%PDF-" in data[:1024]:
        return "pdf", None
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except Exception:  # noqa: BLE001 - any zip problem means "not a readable docx"
            return "zip", "a damaged ZIP archive"
        if "word/document.xml" in names:
            return "docx", None
        return "zip", "a ZIP archive (not a Word .docx)"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole", None
    if data.startswith(b"{\\rtf"):
        return "rtf", None
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "binary", "an image or media file"
    for sig, what in _BINARY_SIGNATURES:
        if data.startswith(sig):
            return "binary", what
    head = data[:2048]
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    if _HTML_START_RE.match(head):
        return "html", None
    return "text", None


# ---------------------------------------------------------------------------------------------
# Text bytes -> str


def _arabic_plausible(text: str) -> bool:
    """True if ``text`` reads as Arabic: Arabic letters dominate and almost nothing is out of place."""
    stripped = re.sub(r"\s+", "", text)
    if not stripped:
        return False
    ar = len(_AR_RE.findall(text))
    letters = len(_LETTER_RE.findall(text))
    if ar == 0 or ar < 0.6 * letters:
        return False
    ok = len(_AR_TEXT_CHAR_RE.findall(text)) - (len(text) - len(stripped))
    return ok >= 0.95 * len(stripped)


def _latin_plausible(text: str) -> bool:
    """True if ``text`` reads as Latin-script text (mostly ASCII letters, few odd symbols)."""
    stripped = re.sub(r"\s+", "", text)
    letters = _LETTER_RE.findall(text)
    if not stripped or not letters:
        return False
    ascii_letters = sum(1 for c in letters if c < "\x80")
    odd = sum(1 for c in stripped if not (c.isalnum() or unicodedata.category(c)[0] in "PSZ"))
    return ascii_letters >= 0.8 * len(letters) and odd <= 0.02 * len(stripped)


def _utf16_plausible(text: str) -> bool:
    return not _CONTROL_RE.search(text) and (_arabic_plausible(text) or _latin_plausible(text))


# Code pages charset-normalizer may choose from: what Arabic and English newsrooms actually produce.
_FALLBACK_CODEPAGES = ["cp1252", "latin_1", "iso8859_15", "iso8859_6", "cp720", "cp864", "mac_arabic"]


def _decode_text_bytes(data: bytes, filename: str | None, declared: str | None = None) -> tuple[str, str]:
    """Decode text bytes; returns (text, encoding name). Raises UploadError 'binary'/'undecodable'."""
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(enc.replace("-sig", ""))
            except UnicodeDecodeError as err:
                raise _fail("undecodable", filename) from err
            if _CONTROL_RE.search(text):
                raise _fail("binary", filename, what="binary data")
            return text, enc
    if b"\x00" in data:
        # Without a BOM: the NULs (high bytes of ASCII characters) must all sit on one parity.
        nul_odd = data[1::2].count(0)
        nul_even = data[0::2].count(0)
        candidates = []
        if nul_odd and nul_even <= nul_odd // 20:
            candidates.append("utf-16-le")
        if nul_even and nul_odd <= nul_even // 20:
            candidates.append("utf-16-be")
        if len(data) % 2 == 0:
            for enc in candidates:
                try:
                    text = data.decode(enc)
                except UnicodeDecodeError:
                    continue
                if _utf16_plausible(text):
                    return text, enc
        raise _fail("binary", filename, what="binary data")
    controls = sum(data.count(b) for b in _CONTROL_BYTES)
    if controls > max(2, len(data) // 200):
        raise _fail("binary", filename, what="binary data")
    # Valid UTF-8 with non-ASCII characters is practically never meant as anything else, even when
    # an HTML page declares another charset (pages re-saved as UTF-8 keep their old <meta>).
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            text = data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
        else:
            return text, codecs.lookup(declared).name
    # UTF-8 with a few damaged bytes (a truncated download, one bad copy-paste): keep it as UTF-8 and
    # mark the damage with U+FFFD rather than read the whole file as mojibake in a legacy code page.
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    if len(_NON_ASCII_RE.findall(text)) - damaged >= 10 * damaged:
        log.debug("%s: %d damaged UTF-8 sequence(s) replaced", filename, damaged)
        return text, "utf-8"
    best: tuple[float, str, str] | None = None
    for enc in ("cp1256", "iso8859_6"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _arabic_plausible(text):
            score = len(_AR_RE.findall(text)) / max(1, len(text))
            if best is None or score > best[0]:
                best = (score, text, enc)
    if best is not None:
        return best[1], best[2]
    try:
        from charset_normalizer import from_bytes

        match = from_bytes(data, cp_isolation=_FALLBACK_CODEPAGES).best()
    except Exception as err:  # noqa: BLE001 - third-party detector: any failure means "unknown"
        raise _fail("undecodable", filename) from err
    if match is not None:
        text = str(match)
        if _latin_plausible(text) or _arabic_plausible(text):
            return text, match.encoding
    raise _fail("undecodable", filename)
