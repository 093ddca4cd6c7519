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

import codecs
import html
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


# ---------------------------------------------------------------------------------------------
# HTML

_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "footer", "form", "aside", "iframe", "svg",
    "button", "select", "textarea", "input", "menu", "dialog", "object", "embed", "canvas", "head",
)
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog"}
_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "blockquote", "pre", "table", "tr", "figcaption", "figure", "dd", "dt", "dl", "header", "address",
    "center", "hr",
)
_BLOCK_SET = frozenset(_BLOCK_TAGS)
_SPACES_RE = re.compile(r"[^\S\t\n]+")
_TAB_RE = re.compile(r" ?\t[\t ]*")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _html_charset(data: bytes) -> str | None:
    m = _META_CHARSET_RE.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    # Old Arabic sites often declare Latin-1 while serving cp1256: let detection decide for those.
    if name in ("latin-1", "iso8859-1", "cp1252", "ascii", "us-ascii", "windows-1252"):
        return None
    return name


def _html_meta(soup) -> dict[str, str]:  # noqa: ANN001 - bs4 types are not worth importing here
    meta: dict[str, str] = {}

    def put(key: str, value: str | None) -> None:
        value = " ".join((value or "").split())
        if value and key not in meta:
            meta[key] = value

    if soup.title is not None:
        put("title", soup.title.get_text())
    for tag in soup.find_all("meta"):
        name = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        content = tag.get("content")
        if not isinstance(content, str) or not isinstance(name, str):
            continue
        if name in ("og:title", "twitter:title"):
            put("title", content)
        elif name in ("og:site_name", "application-name"):
            put("outlet", content)
        elif name in ("og:url",):
            put("url", content)
        elif name in ("article:published_time", "datepublished", "date", "pubdate", "publishdate",
                      "dc.date.issued", "dc.date", "sailthru.date", "parsely-pub-date"):
            m = _ISO_DATE_RE.match(content.strip())
            if m:
                put("date", m.group(0))
    link = soup.find("link", rel="canonical")
    if link is not None and isinstance(link.get("href"), str):
        put("url", link["href"])
    root = soup.find("html")
    if root is not None and isinstance(root.get("lang"), str):
        put("lang", root["lang"].strip().lower()[:2])
    return meta


def _prune_page_chrome(soup) -> None:  # noqa: ANN001
    """Remove scripts, styles, navigation, page header/footer, forms, asides and hidden parts.

    An explicit stack rather than recursion (hostile pages nest thousands deep), and each removed
    subtree is never visited again, so the work stays linear in the size of the page.
    """
    from bs4.element import Tag

    stack = [(soup, False)]
    while stack:
        node, in_article = stack.pop()
        for child in list(node.children):
            if not isinstance(child, Tag):
                continue
            name = child.name
            role = child.get("role")
            if (
                name in _DROP_TAGS
                # A page header is chrome; an article's own header holds its headline: keep that one.
                or (name == "header" and not in_article)
                or (isinstance(role, str) and role.lower() in _DROP_ROLES)
                or child.has_attr("hidden")
            ):
                child.decompose()
                continue
            stack.append((child, in_article or name == "article"))


def _text_lengths(root) -> dict[int, int]:  # noqa: ANN001
    """Length of the visible text under every element of ``root`` (by ``id``), in one pass."""
    from bs4.element import CData, NavigableString, Tag

    lengths: dict[int, int] = {}
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            total = 0
            for child in node.children:
                if isinstance(child, Tag):
                    total += lengths.get(id(child), 0)
                elif type(child) in (NavigableString, CData):
                    total += len(" ".join(child.split()))
            lengths[id(node)] = total
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in node.children if isinstance(child, Tag))
    return lengths


def _html_container(soup):  # noqa: ANN001, ANN202
    """The element holding the article: the longest <article>, else the biggest block of <p>s.

    A paragraph's text counts fully for its parent and half for its grandparent, so an article
    split into several <div>s of paragraphs is still taken whole.
    """
    lengths = _text_lengths(soup)
    scores: dict[int, float] = {}
    nodes: dict[int, object] = {}
    for p in soup.find_all("p"):
        length = lengths.get(id(p), 0)
        parent = p.parent
        if not length or parent is None:
            continue
        scores[id(parent)] = scores.get(id(parent), 0.0) + length
        nodes[id(parent)] = parent
        grand = parent.parent
        if grand is not None:
            scores[id(grand)] = scores.get(id(grand), 0.0) + length / 2
            nodes[id(grand)] = grand
    best_p = nodes[max(scores, key=scores.__getitem__)] if scores else None
    best_p_len = max(scores.values()) if scores else 0.0
    articles = soup.find_all("article")
    if articles:
        best_article = max(articles, key=lambda a: lengths.get(id(a), 0))
        if lengths.get(id(best_article), 0) >= 0.5 * best_p_len:
            return best_article
    if best_p is not None:
        return best_p
    return soup.body or soup


def _html_block_text(container) -> str:  # noqa: ANN001
    """The text of ``container``, one line per block element, table cells separated by tabs.

    One pass over the tree (no insertions, which are quadratic in bs4): a string starts a new line
    when its nearest block ancestor differs from the previous string's.
    """
    from bs4.element import CData, NavigableString, Tag

    unit_of: dict[int, object] = {}

    def unit(node):  # noqa: ANN001, ANN202 - nearest block or table cell, iterative and memoised
        path = []
        cur = node
        while cur is not None and id(cur) not in unit_of:
            if cur is container or cur.name in _BLOCK_SET or cur.name in ("td", "th"):
                unit_of[id(cur)] = cur
                break
            path.append(cur)
            cur = cur.parent
        found = unit_of[id(cur)] if cur is not None else container
        for n in path:
            unit_of[id(n)] = found
        return found

    out: list[str] = []
    last = None
    for node in container.descendants:
        if isinstance(node, Tag):
            if node.name == "br":
                out.append("\n")
            continue
        if type(node) not in (NavigableString, CData) or node.parent is None:
            continue
        current = unit(node.parent)
        if current is not last:
            same_row = (
                last is not None
                and getattr(current, "name", None) in ("td", "th")
                and getattr(last, "name", None) in ("td", "th")
                and current.parent is last.parent
            )
            out.append("\t" if same_row else "\n")
            last = current
        out.append(str(node))
    lines = (_squash_spaces(line) for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def _squash_spaces(line: str) -> str:
    """Runs of spaces as one space, tabs (cell separators) kept, no space at either end."""
    line = _SPACES_RE.sub(" ", line)
    return _TAB_RE.sub("\t", line).strip(" \t")


def _html_to_text(text: str) -> tuple[str, dict[str, str]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "lxml")
    meta = _html_meta(soup)
    _prune_page_chrome(soup)
    container = _html_container(soup)
    body = _html_block_text(container)
    if container.name != "article":
        h1 = soup.find("h1")
        if h1 is not None and not any(p is container for p in h1.parents):
            headline = " ".join(h1.get_text(" ").split())
            if headline and headline not in body:
                body = headline + "\n" + body
    return body, meta


_RAW_TEXT_OPEN_RE = re.compile(r"<(script|style|noscript|template)\b", re.I)
_BLOCK_TAG_RE = re.compile(r"</?(?:p|div|br|li|h[1-6]|tr|section|article|blockquote)\b[^<>]*>", re.I)
_ANY_TAG_RE = re.compile(r"<!--.*?(?:-->|$)|<[^<>]*>", re.S)


def _drop_raw_text_elements(text: str) -> str:
    """Remove <script>/<style>/... elements with a forward scan (a regex with a back-reference is
    quadratic on pages full of unclosed tags)."""
    out: list[str] = []
    pos = 0
    lower = text.lower()
    while True:
        m = _RAW_TEXT_OPEN_RE.search(text, pos)
        if m is None:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos : m.start()])
        close = lower.find("</" + m.group(1).lower(), m.end())
        if close < 0:
            return "".join(out)
        end = text.find(">", close)
        pos = len(text) if end < 0 else end + 1


def _html_strip_plain(text: str) -> str:
    """Fallback when the HTML cannot be parsed into a tree (e.g. absurdly deep nesting)."""
    text = _drop_raw_text_elements(text)
    text = _BLOCK_TAG_RE.sub("\n", text)
    text = _ANY_TAG_RE.sub("", text)
    text = html.unescape(text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _decode_html(data: bytes, filename: str | None) -> tuple[str, dict[str, str], str]:
    text, encoding = _decode_text_bytes(data, filename, declared=_html_charset(data))
    text = text.lstrip("\ufeff")
    try:
        body, meta = _html_to_text(text)
    except RecursionError:
        log.debug("%s: HTML too deeply nested for the parser, using a plain tag strip", filename)
        body, meta = _html_strip_plain(text), {}
    except Exception as err:  # noqa: BLE001 - parser bugs on hostile input: fall back, never crash
        log.debug("%s: HTML parser failed (%s), using a plain tag strip", filename, err)
        body, meta = _html_strip_plain(text), {}
    return body, meta, encoding


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
