"""Tests for core/intake/decode.py: every upload format is generated here, in memory or under tmp_path.

The Arabic and English sentences are written for these tests; no corpus text is used. PDFs are
hand-built (see `make_pdf`): a Type0 font whose codes are Unicode code points plus a ToUnicode CMap,
so no font file or PDF writer library is needed. `visual` turns a sentence into the left-to-right
drawing order a real PDF writer uses for Arabic.
"""

from __future__ import annotations

import io
import random
import re
import zipfile

import docx
import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.intake import decode, html_text, uploads
from core.intake.uploads import DecodedArticle, UploadError

AR_SENTENCE = "قتل 23 مدنيا في الرقة يوم الخميس بينهم ثمانية أطفال"
AR_BODY = AR_SENTENCE + "\nوقالت المصادر إن الغارات استهدفت حي المشلب (شرق المدينة).\n"
EN_BODY = "Three civilians were killed in Raqqa on Thursday, a monitor said.\n"


# --------------------------------------------------------------------------------------------------
# Builders


def visual(line: str) -> str:
    """How a PDF writer draws an Arabic line left to right: reversed, numbers and Latin words kept."""
    ltr = r"[%\u066a]?[0-9\u0660-\u0669A-Za-z]+(?:[.,/:-][0-9\u0660-\u0669A-Za-z]+)*"
    return re.sub(ltr, lambda m: m.group(0)[::-1], line[::-1])


def make_pdf(lines: list[str], pieces: list[list[tuple[float, str]]] | None = None) -> bytes:
    """A one-page PDF showing ``lines`` (one Tj each), or per line several ``(x, text)`` pieces."""

    def hexstr(s: str) -> str:
        return "<" + "".join(f"{ord(c):04X}" for c in s) + ">"

    ops = ["BT", "/F1 12 Tf"]
    y = 780
    rows = pieces if pieces is not None else [[(50.0, line)] for line in lines]
    chars = {c for row in rows for _, text in row for c in text}
    for row in rows:
        for x, text in row:
            ops.append(f"1 0 0 1 {x:.1f} {y} Tm {hexstr(text)} Tj")
        y -= 16
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    highs = sorted({ord(c) >> 8 for c in chars}) or [0]
    ranges = "\n".join(f"<{h:02X}00> <{h:02X}FF> <{h:02X}00>" for h in highs)
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{len(highs)} beginbfrange\n{ranges}\nendbfrange\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /TestFont /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestFont "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None, title: str | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
        document.add_paragraph("نهاية الخبر")
    if title:
        document.core_properties.title = title
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def pdf_pages(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def raises_upload(reason: str, fragment: str, call, *args, **kwargs) -> UploadError:  # noqa: ANN001
    with pytest.raises(UploadError) as info:
        call(*args, **kwargs)
    err = info.value
    assert err.reason == reason, str(err)
    assert fragment.lower() in str(err).lower(), str(err)
    return err


# --------------------------------------------------------------------------------------------------
# split_header


def test_header_lines_become_meta_and_body_is_kept_exactly():
    text = "source: https://example.org/a?b=1\nDate: 2017-08-28\n\n  " + AR_BODY + "  \n"
    meta, body, offset = uploads.split_header(text)
    assert meta == {"source": "https://example.org/a?b=1", "date": "2017-08-28"}
    assert body == "  " + AR_BODY + "  \n"
    assert text[offset:] == body


def test_text_without_header_is_all_body():
    meta, body, offset = uploads.split_header(AR_BODY)
    assert (meta, body, offset) == ({}, AR_BODY, 0)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("source: x\nthis line is not a header\n\nbody", id="second-line-not-key-value"),
        pytest.param("المصدر: الوكالة\n\nقتل 3", id="arabic-key"),
        pytest.param("source: x\ndate: y", id="no-blank-line"),
        pytest.param("source: x\ndate: y\nقتل 3 مدنيين", id="no-blank-line-before-body"),
        pytest.param("\nsource: x\n\nbody", id="starts-with-blank-line"),
    ],
)
def test_header_only_counts_when_every_line_before_the_blank_is_key_value(text):
    meta, body, offset = uploads.split_header(text)
    assert meta == {}
    assert body == text and offset == 0


def test_header_with_windows_newlines_keeps_body_offsets():
    text = "source: agency\r\ntitle: Raqqa strike\r\n\r\nقتل 3 مدنيين\r\nفي الرقة"
    meta, body, offset = uploads.split_header(text)
    assert meta == {"source": "agency", "title": "Raqqa strike"}
    assert body == "قتل 3 مدنيين\r\nفي الرقة"
    assert text[offset:] == body


def test_header_after_byte_order_mark_is_read_and_bom_not_in_body():
    text = "\ufeffdate: 2017-06-01\n\nقتل 3"
    meta, body, offset = uploads.split_header(text)
    assert meta == {"date": "2017-06-01"} and body == "قتل 3" and text[offset:] == body
    meta, body, offset = uploads.split_header("\ufeffقتل 3")
    assert meta == {} and body == "قتل 3" and offset == 1


def test_only_one_blank_line_ends_the_header_and_the_rest_is_body():
    text = "date: 2017-06-01\n\n\nقتل 3"
    meta, body, offset = uploads.split_header(text)
    assert meta == {"date": "2017-06-01"} and body == "\nقتل 3" and text[offset:] == body


def test_repeated_header_key_keeps_first_value():
    meta, _, _ = uploads.split_header("date: 2017-01-01\ndate: 2018-01-01\n\nbody")
    assert meta == {"date": "2017-01-01"}


# --------------------------------------------------------------------------------------------------
# detect_language and normalise_article_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(AR_SENTENCE, "ar", id="ar"),
        pytest.param(EN_BODY, "en", id="en"),
        pytest.param("قتل ثلاثة مدنيين في الرقة وفق SOHR", "ar", id="ar-with-english-name"),
        pytest.param("\ufed7\ufe98\ufede 3", "ar", id="ar-presentation-forms"),
        pytest.param("2017-08-28 12:00 ... !!", None, id="digits-only"),
        pytest.param("三名平民在拉卡遇难", None, id="chinese"),
    ],
)
def test_language_is_detected_by_counting_letters(text, expected):
    assert uploads.detect_language(text) == expected


def test_same_article_with_different_newlines_and_bom_gets_same_canonical_text():
    unix = "قتل 3 مدنيين\nفي الرقة"
    windows = "\ufeffقتل 3 مدنيين  \r\nفي الرقة\r\n"
    assert uploads.normalise_article_text(windows) == uploads.normalise_article_text(unix) == unix


def test_presentation_forms_canonicalise_to_ordinary_letters():
    forms = "\ufed7\ufe98\ufede \ufe8d\ufef7\ufec3\ufed4\ufe8e\ufedd"  # قتل الأطفال, lam-alef ligature
    assert uploads.normalise_article_text(forms) == "قتل الأطفال"


def test_canonical_text_composes_decomposed_characters():
    assert uploads.normalise_article_text("Cafe\u0301") == "Café"
    assert uploads.normalise_article_text("\u0627\u0653") == "\u0622"  # alef + madda -> آ


# --------------------------------------------------------------------------------------------------
# Plain text encodings


@pytest.mark.parametrize(
    ("encoding", "expected_encoding"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16-le"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("cp1256", "cp1256"),
        ("iso8859_6", "iso8859_6"),
    ],
)
def test_arabic_text_file_reads_in_each_encoding(encoding, expected_encoding):
    raw = ("source: agency\ndate: 2017-08-28\n\n" + AR_BODY).encode(encoding)
    doc = decode.decode_upload(raw, "article.txt")
    assert doc.text == AR_BODY
    assert doc.meta == {"source": "agency", "date": "2017-08-28"}
    assert doc.format == "txt" and doc.lang == "ar" and doc.filename == "article.txt"
    assert doc.encoding == expected_encoding


@pytest.mark.parametrize("text", ["قتل 3", "مقتل طفلين", "جرح 5 مدنيين", "غارة على الرقة"])
def test_short_windows_arabic_file_is_read_as_cp1256(text):
    # charset-normalizer alone guesses other code pages (cp1006, cp1251, ...) for text this short.
    doc = decode.decode_upload(text.encode("cp1256"), "short.txt")
    assert doc.text == text
    assert doc.encoding == "cp1256"


def test_english_file_in_windows_latin_encoding_keeps_curly_quotes():
    text = "The monitor\u2019s count: 3 people died in Raqqa\u2019s old city, a caf\u00e9 owner said."
    doc = decode.decode_upload(text.encode("cp1252"), "en.txt")
    assert doc.text == text and doc.lang == "en"


def test_utf8_file_with_one_damaged_byte_stays_utf8():
    raw = AR_BODY.encode()
    damaged = raw[:20] + b"\xff" + raw[20:]
    doc = decode.decode_upload(damaged, "damaged.txt")
    assert doc.encoding == "utf-8"
    assert doc.text.replace("\ufffd", "") == AR_BODY


def test_windows_newlines_are_kept_in_body_as_stored():
    raw = "date: 2017-08-28\r\n\r\nقتل 3 مدنيين\r\nفي الرقة\r\n".encode()
    doc = decode.decode_upload(raw, "crlf.txt")
    assert doc.text == "قتل 3 مدنيين\r\nفي الرقة\r\n"
    assert doc.meta == {"date": "2017-08-28"}


def test_uppercase_extension_is_accepted(tmp_path):
    path = tmp_path / "ARTICLE.TXT"
    path.write_bytes(EN_BODY.encode())
    assert decode.decode_upload(path.read_bytes(), str(path)).text == EN_BODY


def test_pasted_text_is_split_like_a_file():
    doc = decode.decode_pasted("title: غارة\nurl: https://example.org\n\n" + AR_BODY)
    assert doc == DecodedArticle(
        text=AR_BODY,
        meta={"title": "غارة", "url": "https://example.org"},
        format="pasted",
        encoding=None,
        lang="ar",
        filename=None,
    )


# --------------------------------------------------------------------------------------------------
# Content sniffing


def test_txt_file_that_is_really_a_pdf_is_read_as_pdf():
    doc = decode.decode_upload(make_pdf([visual(AR_SENTENCE)]), "article.txt")
    assert doc.format == "pdf" and doc.text == AR_SENTENCE


def test_txt_file_that_is_really_html_is_read_as_html():
    raw = f"<!DOCTYPE html><html><body><nav>الرئيسية</nav><p>{AR_SENTENCE}</p></body></html>"
    doc = decode.decode_upload(raw.encode(), "saved.txt")
    assert doc.format == "html" and doc.text == AR_SENTENCE


def test_docx_with_wrong_extension_is_read_as_docx():
    doc = decode.decode_upload(make_docx([AR_SENTENCE]), "article.pdf")
    assert doc.format == "docx" and doc.text == AR_SENTENCE


# --------------------------------------------------------------------------------------------------
# HTML

HTML_PAGE = """<!DOCTYPE html>
<html lang="ar"><head><meta charset="{charset}"><title>غارات على الرقة</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2017-08-28T10:00:00+03:00">
<link rel="canonical" href="https://example.org/raqqa">
<style>p {{ color: red }} .x:before {{ content: "قتل 99 شخصا" }}</style>
<script>var s = "قتل 77 شخصا";</script></head>
<body>
<header><a href="/">الرئيسية</a> <a href="/world">العالم</a></header>
<nav><ul><li>سياسة</li><li>اقتصاد</li></ul></nav>
<form><input name="q"><button>بحث</button></form>
<main><article>
<h1>مقتل مدنيين في غارات على الرقة</h1>
<p>{p1}</p>
<p>وقالت المصادر إن الغارات استهدفت حي المشلب<br>شرق المدينة &amp; محيطها.</p>
<script>trackView();</script>
</article>
<aside><p>اقرأ أيضا: قتل 55 شخصا في مكان آخر حسب مصادر أخرى في تقرير قديم</p></aside>
</main>
<footer>جميع الحقوق محفوظة 2017</footer>
</body></html>"""


@pytest.mark.parametrize("charset", ["utf-8", "windows-1256"])
def test_html_article_text_without_menus_scripts_or_footer(charset):
    raw = HTML_PAGE.format(charset=charset, p1=AR_SENTENCE).encode("cp1256" if charset != "utf-8" else "utf-8")
    doc = decode.decode_upload(raw, "page.html")
    assert doc.format == "html" and doc.lang == "ar"
    assert doc.text.split("\n") == [
        "مقتل مدنيين في غارات على الرقة",
        AR_SENTENCE,
        "وقالت المصادر إن الغارات استهدفت حي المشلب",
        "شرق المدينة & محيطها.",
    ]
    for junk in ("99", "77", "55", "الرئيسية", "سياسة", "بحث", "محفوظة", "trackView"):
        assert junk not in doc.text
    assert doc.meta == {
        "title": "غارات على الرقة",
        "outlet": "Example News",
        "date": "2017-08-28",
        "url": "https://example.org/raqqa",
        "lang": "ar",
    }
    assert doc.encoding in ("utf-8", "cp1256")


def test_html_without_article_tag_uses_biggest_paragraph_block():
    raw = f"""<html><head><title>t</title></head><body>
    <div class="menu"><p>Home</p><p>World</p></div>
    <div class="story"><p>{EN_BODY}</p><p>The strike hit a market, residents said.</p></div>
    <div class="related"><p>Other story</p></div></body></html>"""
    doc = decode.decode_upload(raw.encode(), "page.htm")
    assert doc.text == EN_BODY.strip() + "\nThe strike hit a market, residents said."


def test_html_table_cells_stay_on_one_line_separated_by_tabs():
    raw = """<html><body><article><h2>الحصيلة</h2><table>
    <tr><th>الحي</th><th>القتلى</th></tr><tr><td>المشلب</td><td>12 <b>مدنيا</b></td></tr>
    </table></article></body></html>"""
    doc = decode.decode_upload(raw.encode(), "table.html")
    assert doc.text == "الحصيلة\nالحي\tالقتلى\nالمشلب\t12 مدنيا"


def test_html_saved_as_utf8_with_old_windows_1256_meta_reads_as_utf8():
    raw = HTML_PAGE.format(charset="windows-1256", p1=AR_SENTENCE).encode("utf-8")
    doc = decode.decode_upload(raw, "resaved.html")
    assert doc.encoding == "utf-8" and AR_SENTENCE in doc.text


@pytest.mark.parametrize("tag", ["div", "article", "nav", "header", "span"])
def test_html_with_deep_nesting_does_not_crash(tag):
    raw = f"<html><body>{f'<{tag}>' * 20000}<p>{AR_SENTENCE}</p>{f'</{tag}>' * 20000}<p>ثانية</p></body></html>"
    doc = decode.decode_upload(raw.encode(), "deep.html")
    if tag in ("nav", "header"):  # page chrome, dropped with everything inside it
        assert doc.text == "ثانية"
    else:
        assert AR_SENTENCE in doc.text


@pytest.mark.parametrize("error", [RecursionError("maximum recursion depth exceeded"), AttributeError("bug")])
def test_html_parser_failure_falls_back_to_plain_strip(monkeypatch, error):
    def boom(_text):  # noqa: ANN001, ANN202
        raise error

    monkeypatch.setattr(html_text, "_html_to_text", boom)
    raw = (
        f"<html><head><style>p {{}}</style><script>x=1</script></head><body><p>{AR_SENTENCE}</p>"
        "<p>ثانية &amp; <b>ثالثة</b></p><!-- تعليق --><script>unclosed"
    )
    doc = decode.decode_upload(raw.encode(), "page.html")
    assert doc.text == AR_SENTENCE + "\nثانية & ثالثة"


def test_html_in_utf16_is_read():
    raw = f"<html><body><article><p>{AR_SENTENCE}</p></article></body></html>".encode("utf-16")
    assert decode.decode_upload(raw, "page.html").text == AR_SENTENCE


# --------------------------------------------------------------------------------------------------
# DOCX


def test_docx_paragraphs_and_table_in_document_order(tmp_path):
    data = make_docx(
        ["مقتل مدنيين في الرقة", AR_SENTENCE],
        table=[["المنطقة", "القتلى"], ["المشلب", "12"]],
        title="غارات الرقة",
    )
    path = tmp_path / "story.docx"
    path.write_bytes(data)
    doc = decode.decode_upload(path.read_bytes(), path.name)
    assert doc.format == "docx" and doc.lang == "ar" and doc.encoding is None
    assert doc.text.split("\n") == ["مقتل مدنيين في الرقة", AR_SENTENCE, "المنطقة\tالقتلى", "المشلب\t12", "نهاية الخبر"]
    assert doc.meta == {"title": "غارات الرقة"}


def test_docx_header_lines_are_read_like_a_text_file():
    doc = decode.decode_upload(make_docx(["date: 2017-08-28", "", AR_SENTENCE]), "h.docx")
    assert doc.meta == {"date": "2017-08-28"} and doc.text == AR_SENTENCE


def test_docx_that_is_not_a_zip_is_malformed():
    raises_upload("malformed", "damaged zip", decode.decode_upload, b"PK\x03\x04this is not a zip", "a.docx")
    raises_upload("malformed", "word .docx", decode.decode_upload, AR_BODY.encode(), "a.docx")


def test_docx_missing_its_parts_is_malformed():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<not-really-xml")
    raises_upload("malformed", "damaged", decode.decode_upload, buf.getvalue(), "a.docx")


def test_zip_that_is_not_a_word_file_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", AR_BODY)
    raises_upload("malformed", "zip archive", decode.decode_upload, buf.getvalue(), "a.docx")
    raises_upload("binary", "zip archive", decode.decode_upload, buf.getvalue(), "a.txt")


def test_docx_that_unpacks_to_far_more_than_the_limit_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("word/media/big.bin", b"\x00" * 3_000_000)
    raises_upload("too_large", "unpacks to more than", decode.decode_upload, buf.getvalue(), "a.docx",
                  max_bytes=100_000)


# --------------------------------------------------------------------------------------------------
# PDF

AR_LINES = [
    AR_SENTENCE,
    "وأعلن المرصد مقتل 1,250 شخصا منذ بداية الحملة (حسب الإحصاء)",
    "وقالت وكالة Reuters إن 40 مدنيا قتلوا",
]


def test_pdf_arabic_drawn_left_to_right_reads_in_order():
    data = make_pdf([visual(line) for line in AR_LINES])
    doc = decode.decode_upload(data, "report.pdf")
    assert doc.format == "pdf" and doc.lang == "ar" and doc.encoding is None
    assert doc.text.split("\n") == AR_LINES


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("قتل ٢٣ مدنيا في الرقة يوم ٢٨/٠٨/٢٠١٧", id="eastern-arabic-digits-and-date"),
        pytest.param("ارتفعت نسبة الضحايا إلى 40% في الأحياء الشرقية", id="percent"),
        pytest.param("قتل 10-15 شخصا بين 10 و 15 آب", id="range-and-two-numbers"),
    ],
)
def test_pdf_numbers_in_arabic_lines_keep_their_digit_order(line):
    assert decode.decode_upload(make_pdf([visual(line)]), "digits.pdf").text == line


def test_pdf_numbers_in_letter_reversed_arabic_keep_their_digit_order():
    lines = [
        "قتل ٢٣ مدنيا في الرقة يوم ٢٨/٠٨/٢٠١٧",
        "ارتفعت نسبة الضحايا إلى 40% في الأحياء الشرقية",
        "قتل 10-15 شخصا بين 10 و 15 آب",
    ]
    assert decode.decode_upload(make_pdf(lines), "digits-reversed.pdf").text.split("\n") == lines


def test_pdf_short_letter_reversed_text_without_clues_is_left_as_extracted():
    # Documented limitation: with fewer than three clues (ال, ة/ى, letter forms) nothing is turned.
    line = "قتل 10-15 شخصا بين 10 و 15 آب"
    assert decode.decode_upload(make_pdf([line]), "short.pdf").text != line


def test_pdf_arabic_drawn_in_pieces_reads_in_order():
    # A writer that draws each word group separately, left to right on the page.
    line = "قتل 23 مدنيا في الرقة"
    pieces = [[(300.0, visual("في الرقة")), (350.0, visual(" مدنيا ")), (380.0, "23"), (395.0, visual(" قتل"))]]
    doc = decode.decode_upload(make_pdf([], pieces=pieces), "pieces.pdf")
    assert doc.text == line


def test_pdf_arabic_stored_letter_reversed_is_turned_around():
    # Broken writers store Arabic in reading order but draw it left to right: it reads backwards.
    data = make_pdf(AR_LINES)
    doc = decode.decode_upload(data, "reversed.pdf")
    assert doc.text.split("\n") == AR_LINES


def test_pdf_presentation_forms_become_ordinary_letters():
    shaped = "\ufed7\ufe98\ufede 3 \ufee3\ufee6 \ufe8d\ufef7\ufec3\ufed4\ufe8e\ufedd \ufed3\ufef2 \ufe8d\ufedf\ufe98\ufea4\ufe8e\ufedf\ufed2"
    data = make_pdf([visual(shaped)])
    doc = decode.decode_upload(data, "shaped.pdf")
    assert doc.text == "قتل 3 من الأطفال في التحالف"


def test_pdf_presentation_forms_stored_letter_reversed_are_turned_around():
    shaped = "\ufed7\ufe98\ufede 3 \ufee3\ufee6 \ufe8d\ufef7\ufec3\ufed4\ufe8e\ufedd \ufed3\ufef2 \ufe8d\ufedf\ufe98\ufea4\ufe8e\ufedf\ufed2"
    doc = decode.decode_upload(make_pdf([shaped]), "shaped-reversed.pdf")
    assert doc.text == "قتل 3 من الأطفال في التحالف"


def test_pdf_arabic_words_ending_in_la_are_not_mistaken_for_reversed_text():
    lines = ["قال المسؤول إن الضربات أصابت فعلا منزلا كاملا", "وأضاف أن الحصيلة قد ترتفع قليلا مثلا"]
    doc = decode.decode_upload(make_pdf([visual(line) for line in lines]), "la.pdf")
    assert doc.text.split("\n") == lines


def test_pdf_english_text_is_unchanged():
    lines = ["Three civilians were killed in Raqqa on Thursday.", "The U.S.-led coalition said 12 strikes hit."]
    doc = decode.decode_upload(make_pdf(lines), "en.pdf")
    assert doc.text.split("\n") == lines and doc.lang == "en"


def test_scanned_pdf_without_text_needs_ocr():
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    buf = io.BytesIO()
    writer.write(buf)
    raises_upload("no_text", "OCR", decode.decode_upload, buf.getvalue(), "scan.pdf")


def test_password_protected_pdf_is_refused_with_advice():
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf([visual(AR_SENTENCE)])))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    raises_upload("malformed", "password", decode.decode_upload, buf.getvalue(), "locked.pdf")


def test_pdf_with_owner_password_only_is_read():
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf([visual(AR_SENTENCE)])))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    assert decode.decode_upload(buf.getvalue(), "owner.pdf").text == AR_SENTENCE


def test_aes_encrypted_pdf_without_crypto_backend_gets_its_own_advice(monkeypatch):
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf([visual(AR_SENTENCE)])))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)

    def no_backend(self, password):  # noqa: ANN001, ANN202
        raise pypdf.errors.DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(pypdf.PdfReader, "decrypt", no_backend)
    raises_upload("malformed", "cannot decrypt", decode.decode_upload, buf.getvalue(), "restricted.pdf")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.4\nthis is not a pdf body", id="garbage-after-header"),
        pytest.param(make_pdf([AR_SENTENCE])[:300], id="truncated"),
        pytest.param(AR_BODY.encode(), id="text-with-pdf-extension"),
    ],
)
def test_damaged_pdf_is_malformed(data):
    raises_upload("malformed", "pdf", decode.decode_upload, data, "broken.pdf")


# --------------------------------------------------------------------------------------------------
# Bad input, one reason each


def test_empty_file_is_refused():
    raises_upload("empty", "empty", decode.decode_upload, b"", "a.txt")


@pytest.mark.parametrize("data", [b"   \n\t\r\n", "\ufeff  \n".encode("utf-8-sig"), "  \n".encode("utf-16")])
def test_whitespace_only_file_is_empty(data):
    err = raises_upload("empty", "a.txt: the file is empty", decode.decode_upload, data, "a.txt")
    assert err.filename == "a.txt"


def test_empty_paste_is_refused():
    raises_upload("empty", "paste the article text", decode.decode_pasted, " \n ")


def test_file_over_the_limit_names_the_limit_in_mb():
    data = b"a" * (uploads.MAX_BYTES_DEFAULT + 1)
    raises_upload("too_large", "over the 5 MB limit", decode.decode_upload, data, "big.txt")


def test_paste_over_the_limit_is_refused():
    raises_upload("too_large", "over the 0.5 MB limit", decode.decode_pasted, "قتل " * 200_000,
                  max_bytes=512 * 1024)


@pytest.mark.parametrize("name", ["report.exe", "notes.md", "sheet.xlsx", "archive.zip"])
def test_unsupported_extension_is_refused_with_supported_list(name):
    err = raises_upload("unsupported_type", "Upload .txt, .html, .docx or .pdf", decode.decode_upload,
                        AR_BODY.encode(), name)
    assert str(err).startswith(name + ": this file type is not supported.")


def test_old_word_doc_gets_save_as_docx_advice():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    raises_upload("unsupported_type", "save it as .docx", decode.decode_upload, ole, "old.doc")
    raises_upload("unsupported_type", "save it as .docx", decode.decode_upload, ole, "old.txt")


def test_rtf_content_gets_save_as_advice():
    raises_upload("unsupported_type", "RTF", decode.decode_upload, b"{\\rtf1\\ansi hello}", "a.txt")


def test_image_renamed_to_txt_is_binary():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    raises_upload("binary", "image", decode.decode_upload, png, "photo.txt")


def test_binary_junk_is_binary():
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(2000))
    raises_upload("binary", "not article text", decode.decode_upload, junk, "junk.txt")


def test_control_bytes_without_nuls_are_binary():
    data = ("قتل 3 مدنيين".encode() + bytes(range(1, 9))) * 20
    raises_upload("binary", "binary data", decode.decode_upload, data, "ctl.txt")


def test_high_byte_garbage_is_undecodable():
    rng = random.Random(3)
    junk = bytes(rng.randrange(0x80, 0x100) if rng.random() > 0.15 else 0x20 for _ in range(600))
    raises_upload("undecodable", "save the file as utf-8", decode.decode_upload, junk, "mystery.txt")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2017-08-28 12:00 ... 25 // 30", id="digits-and-punctuation"),
        pytest.param("三名平民在拉卡遇难", id="other-script"),
    ],
)
def test_text_without_arabic_or_english_letters_is_no_text(text):
    raises_upload("no_text", "no Arabic or English text", decode.decode_upload, text.encode(), "n.txt")
    raises_upload("no_text", "Pasted text: no Arabic", decode.decode_pasted, text)


def test_header_only_file_has_no_article_text():
    raises_upload("empty", "empty", decode.decode_upload, b"source: x\ndate: 2017-01-01\n\n", "h.txt")


def test_every_reason_has_a_message_and_errors_are_value_errors():
    err = UploadError("binary", "x", "f.txt")
    assert isinstance(err, ValueError) and err.reason == "binary" and err.filename == "f.txt"
    with pytest.raises(ValueError):
        UploadError("nonsense", "x")


# --------------------------------------------------------------------------------------------------
# Properties: any bytes in, only UploadError out

_EXTENSIONS = [*uploads.SUPPORTED_EXTENSIONS, ".exe", ""]
_SEEDS = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html><body>", b"\xff\xfe", b"\xef\xbb\xbf", b"source: x\n\n"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from(_SEEDS),
    data=st.binary(max_size=1400),
    ext=st.sampled_from(_EXTENSIONS),
)
def test_any_bytes_give_an_article_or_an_upload_error(prefix, data, ext):
    try:
        doc = decode.decode_upload(prefix + data, "upload" + ext, max_bytes=1500)
    except UploadError as err:
        assert err.reason in uploads.REASONS and str(err)
    else:
        assert doc.lang in ("ar", "en") and doc.text.strip()


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=300))
def test_any_pasted_text_gives_an_article_or_an_upload_error(text):
    try:
        decode.decode_pasted(text)
    except UploadError as err:
        assert err.reason in ("empty", "no_text")


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab:_ \n\r\ufeffقx"), max_size=60))
def test_split_header_never_raises_and_body_is_a_suffix(text):
    meta, body, offset = uploads.split_header(text)
    assert text[offset:] == body
    assert all(re.fullmatch(r"[a-z_]+", key) for key in meta)
