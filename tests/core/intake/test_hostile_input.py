"""Hostile input: whatever a journalist (or an attacker) uploads, the tool answers, never crashes.

Property-based tests (hypothesis, bounded so CI stays fast) and a few hand-made files:

* `core.extraction.extract.extract` never raises on arbitrary Unicode (lone surrogates included), mixed
  scripts, very long lines, huge numbers («999999999999 قتيلا»), digits glued to letters, and
  zero-width or bidi control characters; every span it reports points into the text as given and
  every count fits the database's BIGINT column.
* `core.intake.decode.decode_upload` gives an article or an `UploadError` for deeply nested or broken
  HTML and for damaged PDF and Word files; through `core.intake.ingest` the journalist gets one message
  naming the file and what to do, never a traceback, and the database stays whole.

The time an extraction takes is measured in ``bench/linear.py``, not here (no wall-clock asserts).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import docx
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.extraction import extract
from core.intake import decode, ingest, uploads
from core.intake.uploads import UploadError
from core.storage.store import Store
from core.views import export

BIGINT_MAX = 2**63 - 1
PUBLISHED = dt.date(2017, 8, 22)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(
    max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

# ---- strategies ---------------------------------------------------------------------------------
CONTROLS = [
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069", "\u061c", "\ufeff", "\u00ad", "\u2028", "\u2029", "\x00", "\r",
]
WORDS = [
    "قتل", "قتيلا", "مقتل", "أصيب", "جرحى", "مدنيا", "مدنيين", "أطفال", "طفلا", "نساء", "بينهم", "على الأقل",
    "أكثر من", "نحو", "عشرات", "مئات", "ألف", "مليون", "مليار", "ثلاثة", "سبعة وعشرين", "الحصيلة", "ارتفعت",
    "إلى", "الرقة", "حارة البدو", "التحالف الدولي", "المرصد السوري", "الأحد", "أمس", "22 آب 2017", "منذ",
    "killed", "civilians", "at least", "wounded", "Raqqa", "children", "ﻗﺘﻞ", "ﻣﺪﻧﻴﻴﻦ", "קטל", "убиты", "死亡",
    "😢", "قـــتل", "قَتَلَ", "ـ", "،", "؛", ".", "؟", "!", ":", "«", "»", "(", ")", "[", "-", "/", "%", "\n",
    "\t", "و", "ب", "ال",
]
DIGITS = {"ascii": "0123456789", "eastern": "٠١٢٣٤٥٦٧٨٩", "persian": "۰۱۲۳۴۵۶۷۸۹"}


@st.composite
def numbers_as_written(draw) -> str:
    """A number the way a hostile or sloppy text writes it: any size, any digits, separators."""
    n = draw(st.one_of(st.integers(0, 1000), st.integers(0, 10**40), st.just(999999999999)))
    digits = DIGITS[draw(st.sampled_from(sorted(DIGITS)))]
    text = "".join(digits[int(c)] for c in str(n))
    if draw(st.booleans()) and len(text) > 3:
        sep = draw(st.sampled_from([",", "٬", ".", "٫", " ", "\u066c", "'"]))
        groups = [text[max(0, i - 3) : i] for i in range(len(text), 0, -3)][::-1]
        text = sep.join(groups)
    return text


PIECES = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(CONTROLS), numbers_as_written(),
    st.text(max_size=8),  # anything at all
)
# Pieces joined with nothing between them glue digits to letters: «قتل27مدنيا», «و٣أطفال».
SEPARATORS = st.sampled_from(["", " ", " ", "\n", "، ", "\u200f", "\u00a0"])


@st.composite
def casualty_shaped_text(draw) -> str:
    pieces = draw(st.lists(PIECES, max_size=60))
    out = []
    for p in pieces:
        out.append(p)
        out.append(draw(SEPARATORS))
    return "".join(out)


@st.composite
def long_line(draw) -> str:
    """One very long line: a piece repeated thousands of times with no line break or full stop."""
    piece = draw(st.sampled_from(["قتل", "9", "٩", "ـ", "\u200f", "مدنيا", "(", "ب", "x", "، ", "\u064b", "&"]))
    n = draw(st.integers(1000, 20000))
    head = draw(st.sampled_from(["", "قتل ", "قتل 27 مدنيا "]))
    return head + piece * n + draw(st.sampled_from(["", " قتيلا", " مدنيا في الرقة."]))


ANY_UNICODE = st.text(st.characters(codec=None, exclude_categories=()), max_size=3000)


# ---- extraction never raises, spans point into the text --------------------------------------------
def _check_figures(text: str, figures) -> None:
    for f in figures:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.number_text
        assert text[f.sentence_start : f.sentence_start + len(f.sentence)] == f.sentence
        assert f.sentence_start <= f.start and f.end <= f.sentence_start + len(f.sentence)
        for span in (f.group_span, f.perpetrator_span, f.source_span, f.date_span, f.place_span):
            if span is not None:
                assert 0 <= span[0] <= span[1] <= len(text)
        for v in (f.min, f.best, f.max):
            assert v is None or 0 <= v <= BIGINT_MAX, f"{f.number_text!r} read as {v}, too big to store"
        if f.min is not None and f.max is not None:
            assert f.min <= f.max
        if f.best is not None and f.min is not None and f.max is not None:
            assert f.min <= f.best <= f.max


@FAST
@given(text=ANY_UNICODE)
def test_any_unicode_including_lone_surrogates_gives_figures_or_nothing(text):
    _check_figures(text, extract.extract(text))


@FAST
@given(text=casualty_shaped_text(), lang=st.sampled_from([None, "ar", "en"]))
def test_casualty_words_numbers_and_control_characters_mixed_never_raise(text, lang):
    _check_figures(text, extract.extract(text, PUBLISHED, lang))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=long_line())
def test_very_long_line_without_punctuation_never_raises(text):
    _check_figures(text, extract.extract(text, PUBLISHED))


@FAST
@given(number=numbers_as_written(), noun=st.sampled_from(["قتيلا", "مدنيا", "civilians were killed", "جريحا"]))
def test_huge_numbers_are_read_as_storable_counts_or_not_at_all(number, noun):
    text = f"قتل {number} {noun} في قصف على الرقة."
    _check_figures(text, extract.extract(text, PUBLISHED))


@pytest.mark.parametrize("text", [
    pytest.param("قتل 999999999999 قتيلا في الرقة.", id="twelve-nines"),
    pytest.param("قتل 99999999999999999999999 مدنيا في الرقة.", id="over-bigint"),
    pytest.param("قتل ٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩٩ مدنيا.", id="eastern-over-bigint"),
    pytest.param("قتل 9,223,372,036,854,775,808 مدنيين.", id="bigint-plus-one-with-commas"),
    pytest.param("قتل مليار مليار مليار مدني.", id="words-multiplied"),
    pytest.param("قتل27مدنيا و٣أطفال و5جرحى.", id="digits-glued-to-letters"),
    pytest.param("\u202eقتل 27 مدنيا\u202c و\u2067٣٠\u2069 قتيلا\u200f\u200b.", id="bidi-controls"),
    pytest.param("قتل 2\u06517\u0301 مدنيا.", id="marks-on-digits"),
    pytest.param("قتل " + "9" * 5000 + " قتيلا.", id="five-thousand-digits"),
    pytest.param("(" * 20000 + "قتل 5 مدنيين" + ")" * 20000, id="deep-parentheses"),
    pytest.param("قـ" + "ـ" * 50000 + "ـتل 5 مدنيين", id="tatweel-flood"),
    pytest.param("قتل 5 مدنيين" + "\u064b" * 50000, id="diacritic-flood"),
])
def test_hostile_sentence_is_stored_with_the_figures_extracted(text, tmp_path):
    store = Store.open(tmp_path / "h.duckdb")
    try:
        res = ingest.ingest_text(store, text, PUBLISHED)
        assert res.status == "added", res.message
        _check_figures(text, res.figures)
        assert [f.best for f in store.figures_of(res.article_id)] == [f.best for f in res.figures]
        assert store.check_consistency() == []
    finally:
        store.close()


@SLOW
@given(text=st.one_of(ANY_UNICODE, casualty_shaped_text()))
def test_any_pasted_text_is_added_or_refused_with_a_reason(shared_store, text):
    res = ingest.ingest_text(shared_store, text, PUBLISHED)
    if res.status == "error":
        assert res.reason in ("empty", "no_text"), res.message
    else:
        assert res.status in ("added", "duplicate")
        stored = shared_store.get_article(res.article_id)
        _check_figures(stored.text, shared_store.figures_of(res.article_id))


# ---- uploads: an article or one clear message ---------------------------------------------------
ARTICLE = "قتل 12 مدنيا بينهم ثلاثة أطفال في قصف على حي الرميلة في مدينة الرقة يوم الأحد."
ENGLISH = "Three civilians were killed in Raqqa on Sunday, a local monitor said."


def make_pdf(line: str = ENGLISH) -> bytes:
    """A small valid one-page PDF showing one line of Latin text, with a correct xref table."""
    content = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_docx(text: str = ARTICLE) -> bytes:
    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def replace_in_zip(data: bytes, name: str, content: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, content if info.filename == name else src.read(info.filename))
    return out.getvalue()


def make_html(body: str = ARTICLE) -> bytes:
    return (f"<!doctype html><html lang='ar'><head><meta charset='utf-8'><title>خبر</title></head>"
            f"<body><article><p>{body}</p></article></body></html>").encode()


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    + "]>"
)
SAMPLES = {
    "pdf": ("report.pdf", make_pdf()),
    "docx": ("report.docx", make_docx()),
    "html": ("report.html", make_html()),
}
BROKEN = [
    pytest.param("report.pdf", make_pdf()[:150], id="pdf-cut-short"),
    pytest.param("report.pdf", make_pdf().replace(b"startxref", b"startxrex"), id="pdf-no-startxref"),
    pytest.param("report.pdf", make_pdf().replace(b"/Kids [3 0 R]", b"/Kids [2 0 R]"), id="pdf-page-tree-loop"),
    pytest.param("report.pdf", make_pdf().replace(b"/Length", b"/Filter /FlateDecode /Length"),
                 id="pdf-stream-not-compressed-as-declared"),
    pytest.param("report.pdf", b"%PDF-1.7\n" + b"\x00\xff" * 5000, id="pdf-header-then-junk"),
    pytest.param("report.docx", make_docx()[:400], id="docx-cut-short"),
    pytest.param("report.docx", replace_in_zip(make_docx(), "word/document.xml", b"<w:document><w:body><w:p>"),
                 id="docx-broken-xml"),
    pytest.param("report.docx", replace_in_zip(
        make_docx(), "word/document.xml",
        (LAUGHS + f"<w:document {W_NS}><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>").encode(),
    ), id="docx-billion-laughs"),
    pytest.param("report.docx", replace_in_zip(
        make_docx(), "word/document.xml",
        (f"<w:document {W_NS}><w:body>" + "<w:p>" * 100000 + "</w:body></w:document>").encode(),
    ), id="docx-nested-100000-deep"),
    pytest.param("report.docx", replace_in_zip(make_docx(), "[Content_Types].xml", b"\xff\xfe"),
                 id="docx-content-types-garbage"),
]


def _assert_clear_message(res: ingest.IngestResult, filename: str) -> None:
    assert res.status == "error"
    assert res.reason in uploads.REASONS, res.reason
    assert filename in res.message
    assert "Traceback" not in res.message and 'File "' not in res.message
    assert any(w in res.message for w in ("upload", "Upload", "paste", "Save", "save")), res.message


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory):
    s = Store.open(tmp_path_factory.mktemp("hostile") / "uploads.duckdb")
    yield s
    assert s.check_consistency() == []
    s.close()


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_valid_sample_files_are_added_so_the_broken_ones_below_test_something(fmt, tmp_path):
    name, data = SAMPLES[fmt]
    store = Store.open(tmp_path / "ok.duckdb")
    try:
        res = ingest.ingest_bytes(store, data, name)
        assert res.status == "added", res.message
        assert res.figures
    finally:
        store.close()


@pytest.mark.parametrize(("filename", "data"), BROKEN)
def test_damaged_file_gets_one_clear_message_and_stores_nothing(filename, data, tmp_path):
    store = Store.open(tmp_path / "broken.duckdb")
    try:
        res = ingest.ingest_bytes(store, data, filename)
        _assert_clear_message(res, filename)
        assert store.counts()["articles"] == 0
    finally:
        store.close()


@SLOW
@given(
    fmt=st.sampled_from(sorted(SAMPLES)),
    cut=st.one_of(st.none(), st.integers(0, 4000)),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6),
)
def test_damaged_pdf_docx_or_html_gives_an_article_or_a_clear_message(shared_store, fmt, cut, flips):
    name, data = SAMPLES[fmt]
    buf = bytearray(data if cut is None else data[:cut])
    for pos, byte in flips:
        if buf:
            buf[pos % len(buf)] = byte
    res = ingest.ingest_bytes(shared_store, bytes(buf), name)
    if res.status == "error":
        _assert_clear_message(res, name)
    else:
        assert res.status in ("added", "duplicate")


# HTML built from nested, unclosed and misnested tags around a casualty sentence.
TAGS = st.sampled_from([
    "<div>", "</div>", "<p>", "</p>", "<table><tr><td>", "</td></tr></table>", "<b><i>", "</b></i>", "<ul><li>",
    "<span dir='rtl'>", "<article>", "</article>", "<script>", "</script>", "<style>", "<!--", "-->", "<![CDATA[",
    "]]>", "<nav>", "<br>", "&#x202e;", "&#0;", "&#xD800;", "&#99999999;", "&amp;", "&nbsp;", "<", ">", "<p dir=",
    "<svg><foreignObject>", "<math>", "<template>", "<noscript>", "<iframe srcdoc='<p>x</p>'>", "<meta charset='x'>",
])


@st.composite
def hostile_html(draw) -> bytes:
    depth = draw(st.sampled_from([0, 10, 300, 3000]))
    opener = draw(TAGS)
    parts = [opener * depth]
    for tag in draw(st.lists(TAGS, max_size=30)):
        parts.append(tag)
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from([ARTICLE, ENGLISH, "قتل 5", "مدنيين", draw(st.text(max_size=10))])))
    return ("<html><body>" + "".join(parts)).encode("utf-8", "surrogatepass")


@SLOW
@given(page=hostile_html())
def test_nested_unclosed_or_misnested_html_gives_an_article_or_a_clear_message(shared_store, page):
    try:
        doc = decode.decode_upload(page, "page.html")
    except UploadError as err:
        assert err.reason in uploads.REASONS and "page.html" in str(err)
    else:
        _check_figures(doc.text, extract.extract(doc.text, PUBLISHED, doc.lang))
    res = ingest.ingest_bytes(shared_store, page, "page.html")
    if res.status == "error":
        _assert_clear_message(res, "page.html")


@pytest.mark.parametrize("page", [
    pytest.param(b"<html><body>" + b"<div>" * 30000 + ARTICLE.encode(), id="div-30000-deep"),
    pytest.param(b"<table><tr><td>" * 5000 + ARTICLE.encode(), id="table-in-cell-5000-deep"),
    pytest.param(b"<b><i>" * 10000 + ARTICLE.encode() + b"</b></i>" * 10000, id="misnested-10000"),
    pytest.param((LAUGHS + f"<html><body><p>{ARTICLE} &i;</p></body></html>").encode(), id="billion-laughs"),
])
def test_deeply_nested_html_keeps_its_article_text(page, tmp_path):
    store = Store.open(tmp_path / "deep.duckdb")
    try:
        res = ingest.ingest_bytes(store, page, "deep.html")
        assert res.status == "added", res.message
        assert [f.best for f in res.figures] == [12, 3]
    finally:
        store.close()


# ---- exports a spreadsheet opens safely ------------------------------------------------------------
@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"], ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_csv_cell_starting_with_a_formula_character_is_written_as_text(lead):
    value = f"{lead}SUM(A1:A9)"
    assert export.spreadsheet_cell(value) == "'" + value
    assert export.spreadsheet_cell("قتل 5 مدنيين") == "قتل 5 مدنيين"
    assert export.spreadsheet_cell(" =1+1") == " =1+1"  # not at the start: a spreadsheet shows it as text
    assert export.spreadsheet_cell(-3) == -3 and export.spreadsheet_cell(None) is None


FORMULA_ARTICLE = (
    "title: =1+1 and a title that runs a formula\n"
    'outlet: =HYPERLINK("http://x.invalid","y")\n'
    "url: javascript:alert(1)\n"
    "\n"
    "=قتل 7 مدنيين في غارة على حارة البدو في مدينة الرقة.\n"
)


@pytest.fixture
def formula_store(tmp_path):
    store = Store.open(tmp_path / "formula.duckdb")
    res = ingest.ingest_bytes(store, FORMULA_ARTICLE.encode("utf-8"), "@evil.txt", PUBLISHED)
    assert res.status == "added" and res.figures, res.message
    yield store
    store.close()


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_export_writes_formula_looking_title_outlet_and_sentence_as_text(formula_store, tmp_path):
    from_button = export.export_bytes(formula_store, "csv")
    export.write(formula_store, "csv", tmp_path / "cli.csv")
    assert (tmp_path / "cli.csv").read_bytes() == from_button  # the command line writes the same bytes
    header, *rows = _csv_cells(from_button)
    col = {name: i for i, name in enumerate(header)}
    figures = [r for r in rows if r[col["record"]] == "figure"]
    assert figures
    for row in rows:
        for name, cell in zip(header, row, strict=True):
            assert not cell.startswith(export.FORMULA_STARTS), (name, cell)
    fig = figures[0]
    assert fig[col["title"]] == "'=1+1 and a title that runs a formula"
    assert fig[col["outlet"]] == "'" + '=HYPERLINK("http://x.invalid","y")'
    assert fig[col["quote"]].startswith("'=قتل 7")
    assert int(fig[col["best"]]) == 7  # numeric columns untouched


def test_only_http_links_are_exported_as_links_others_as_plain_text(formula_store):
    df = export.frame(formula_store)
    figures = df[df["record"] == "figure"]
    assert figures["url"].isna().all()
    assert set(figures["url_text"]) == {"javascript:alert(1)"}
    assert export._link(" HTTPS://example.org/a ") == {"url": "HTTPS://example.org/a", "url_text": None}
    assert export._link("www.example.org") == {"url": None, "url_text": "www.example.org"}


def test_parquet_and_geojson_keep_the_text_as_stored(formula_store):
    table = pq.read_table(io.BytesIO(export.export_bytes(formula_store, "parquet")))
    titles = {t for t in table.column("title").to_pylist() if t}
    assert titles == {"=1+1 and a title that runs a formula"}
    data = json.loads(export.export_bytes(formula_store, "geojson"))
    outlets = {f["properties"]["outlet"] for f in data["features"] if f["properties"]["record"] == "figure"}
    assert outlets == {'=HYPERLINK("http://x.invalid","y")'}
