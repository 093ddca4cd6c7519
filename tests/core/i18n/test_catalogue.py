"""The message catalogues in data/i18n and how the dashboard writes numbers, dates and charts in
each language.

Every page string comes from a catalogue, by key. Completeness is checked both ways: a key missing
in any language fails, and so does a key no code uses (written as a literal in dashboard.py,
ui/ or core/, or built under a prefix listed in data/i18n/dynamic_keys.json).

Examples by origin:
- bugs caught: a file name followed by a colon in an Arabic sentence ("report.txt:") jumped to
  the end of the line; Plotly's SVG text put "(…)" of an Arabic axis title the wrong way round.
- features: Eastern Arabic digits (``-u-nu-arab``), MSA month names (``-x-msa``), Arabic names of
  places (gazetteer), sources and perpetrators, upload errors in the interface language.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.extraction import figure as figure_mod
from core.extraction import lexicon
from core.i18n import catalogue as i18n
from core.i18n import charts
from core.intake import decode, uploads
from core.views import trends, upload_errors

ROOT = Path(__file__).resolve().parents[3]
LANGS = i18n.languages()
EASTERN = "ar-u-nu-arab"


@pytest.fixture
def catalogue_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "CATALOGUE_DIR", tmp_path)
    i18n.clear_caches()
    yield tmp_path
    i18n.clear_caches()


def _write(folder: Path, lang: str, messages: dict, direction: str = "ltr", **extra) -> None:
    (folder / f"{lang}.json").write_text(
        json.dumps({"_doc": "test", "direction": direction, "messages": messages, **extra}, ensure_ascii=False),
        encoding="utf-8",
    )


# ---- catalogues -------------------------------------------------------------------------------------
def test_message_is_filled_with_its_values():
    assert i18n.t("upload.duplicate", "en", name="a.txt") == "a.txt: already in the database, nothing changed."


def test_unknown_key_names_the_key_and_the_file_to_edit():
    with pytest.raises(i18n.CatalogueError, match=r"'no\.such\.key'.*en\.json"):
        i18n.t("no.such.key")


def test_languages_are_english_and_arabic_and_not_the_other_data_files():
    assert LANGS == ["en", "ar"]
    assert (ROOT / "data" / "i18n" / "dynamic_keys.json").exists()


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_exactly_the_english_keys_and_placeholders(lang):
    """A key missing in a language (or only in it), or other placeholders, fails the run."""
    assert i18n.problems(lang) == []


def test_a_key_missing_in_arabic_is_reported(catalogue_dir):
    _write(catalogue_dir, "en", {"a": "Hello {name}", "b": "Bye"})
    _write(catalogue_dir, "ar", {"a": "مرحبا {name}"}, "rtl")
    assert i18n.problems("ar") == ["ar.json: missing key 'b'"]
    assert i18n.t("b", "ar") == "Bye"  # the page still runs, in English for that text
    assert i18n.direction("ar") == "rtl"


def test_a_key_only_in_arabic_and_other_placeholders_are_reported(catalogue_dir):
    _write(catalogue_dir, "en", {"a": "Hello {name}"})
    _write(catalogue_dir, "ar", {"a": "مرحبا {nom}", "z": "extra"})
    assert i18n.problems("ar") == [
        "ar.json: key 'z' is not in en.json",
        "ar.json: key 'a' uses placeholders ['nom'], en.json uses ['name']",
    ]


def test_duplicate_key_in_a_catalogue_is_an_error(catalogue_dir):
    (catalogue_dir / "en.json").write_text('{"messages": {"a": "x", "a": "y"}}', encoding="utf-8")
    with pytest.raises(i18n.CatalogueError, match=r"en\.json: duplicate key\(s\): a"):
        i18n.t("a")


def test_malformed_catalogue_reports_every_problem(catalogue_dir):
    (catalogue_dir / "en.json").write_text('{"direction": "up", "messages": {"a": 1}}', encoding="utf-8")
    with pytest.raises(i18n.CatalogueError) as err:
        i18n.t("a")
    assert "a: expected a string" in str(err.value) and "'up'" in str(err.value)


def test_variant_with_a_key_the_messages_lack_is_an_error(catalogue_dir):
    _write(catalogue_dir, "en", {"a": "x"})
    _write(catalogue_dir, "ar", {"a": "س"}, "rtl", variants={"msa": {"b": "ص", "a": "{n}"}})
    with pytest.raises(i18n.CatalogueError) as err:
        i18n.t("a", "ar")
    assert "variant 'msa': key 'b' is not in \"messages\"" in str(err.value)
    assert "variant 'msa': key 'a' uses other placeholders" in str(err.value)


# ---- plurals (CLDR categories through Babel) ---------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_every_plural_message_has_every_form_its_language_needs(lang):
    needed = {"en": ["one", "other"], "ar": ["zero", "one", "two", "few", "many", "other"]}[lang]
    assert i18n.plural_categories(lang) == needed
    plural = {k: v for k, v in i18n.messages(lang).items() if isinstance(v, dict)}
    assert plural, "counts are spoken through plural messages"
    assert {k: sorted(v) for k, v in plural.items() if sorted(v) != sorted(needed)} == {}


def test_a_plural_message_missing_a_form_or_plural_in_one_language_only_is_reported(catalogue_dir):
    _write(catalogue_dir, "en", {"a": {"one": "{n} file", "other": "{n} files"}, "b": {"one": "x", "other": "y"}, "c": "z"},
           cldr_locale="en_GB")
    _write(catalogue_dir, "ar", {"a": {"one": "ملف واحد", "other": "{n} ملف"}, "b": "س", "c": {"other": "ص"}}, "rtl",
           cldr_locale="ar_SY")
    assert i18n.problems("ar") == [
        "ar.json: plural message 'a' lacks the form(s) zero, two, few, many",
        "ar.json: key 'b' is a plural message only in en.json",
        "ar.json: plural message 'c' lacks the form(s) zero, one, two, few, many",
        "ar.json: key 'c' is a plural message only in ar.json",
    ]


def test_a_plural_form_that_is_not_a_cldr_category_is_an_error(catalogue_dir):
    _write(catalogue_dir, "en", {"a": {"one": "x", "several": "y", "other": "z"}})
    with pytest.raises(i18n.CatalogueError, match="'several'"):
        i18n.t("a", n=1)


def test_a_plural_message_needs_its_count():
    with pytest.raises(i18n.CatalogueError, match="articles.count.*n="):
        i18n.t("articles.count", "en")


@pytest.mark.parametrize(("n", "text"), [
    (0, "0 articles."), (1, "1 article."), (2, "2 articles."), (21, "21 articles."), (1.5, "1.5 articles."),
])
def test_english_says_one_article_and_two_articles(n, text):
    assert i18n.t("articles.count", "en", n=n).startswith(text)


@pytest.mark.parametrize(("n", "text"), [
    (0, "0 رقم"), (1, "رقم واحد"), (2, "رقمان"), (3, "3 أرقام"), (10, "10 أرقام"), (11, "11 رقمًا"), (99, "99 رقمًا"),
    (100, "100 رقم"), (102, "102 رقم"), (103, "103 أرقام"), (111, "111 رقمًا"),
])
def test_arabic_counts_take_the_six_cldr_forms(n, text):
    assert i18n.t("count.figures", "ar", n=n) == text


def test_eastern_digits_choose_the_same_form_as_western():
    assert i18n.t("count.figures", EASTERN, n=11) == "١١ رقمًا"
    assert i18n.plural_category("١١", "ar") == "many"


@pytest.mark.parametrize(("n", "en", "ar"), [
    (1, "1 child killed", "قتيل واحد من الأطفال"),
    (2, "2 children killed", "قتيلان من الأطفال"),
    (7, "7 children killed", "7 قتلى من الأطفال"),
    (27, "27 children killed", "27 قتيلًا من الأطفال"),
    (300, "300 children killed", "300 قتيل من الأطفال"),
    ("dozens", "dozens children killed", "dozens قتلى من الأطفال"),
])
def test_a_figure_is_spoken_with_the_plural_its_count_needs(n, en, ar):
    def phrase(lang):
        return i18n.t("summary.figure", lang, n=n, group=i18n.label("group", "children", lang, count=n),
                      status=i18n.label("status", "killed", lang, count=n))
    assert (phrase("en"), phrase("ar")) == (en, ar)


def test_one_person_and_one_civilian_in_english():
    assert i18n.label("group", "people", "en", count=1) == "person"
    assert i18n.label("group", "civilians", "en", count=1) == "civilian"
    assert i18n.label("group", "civilians", "en") == "civilians"


@pytest.mark.parametrize("lang", LANGS)
def test_no_message_writes_a_plural_with_parentheses_or_a_slash(lang):
    texts = [v for m in i18n.messages(lang).values() for v in (m.values() if isinstance(m, dict) else [m])]
    assert [x for x in texts if "(s)" in x or re.search(r"[\u0600-\u06ff]+/[\u0600-\u06ff]+", x)] == []


# ---- every key used, every used key defined ---------------------------------------------------------
def _code() -> str:
    files = [ROOT / "dashboard.py", *sorted((ROOT / "ui").rglob("*.py")), *sorted((ROOT / "core").rglob("*.py"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def _dynamic_prefixes() -> dict[str, str]:
    return json.loads((ROOT / "data" / "i18n" / "dynamic_keys.json").read_text(encoding="utf-8"))["prefixes"]


def test_every_catalogue_key_is_used_by_the_code():
    code = _code()
    literals = {m.group(1) for m in re.finditer(r"""(?=["']([^"'\n]+)["'])""", code)}
    prefixes = tuple(_dynamic_prefixes())
    unused = [k for k in i18n.messages("en") if k not in literals and not k.startswith(prefixes)]
    assert unused == [], "keys no code uses: remove them, or list the prefix the code builds them with"


def test_every_dynamic_prefix_is_still_built_by_the_code():
    code = _code()
    keys = i18n.messages("en")
    stale = [p for p in _dynamic_prefixes() if not any(k.startswith(p) for k in keys)
             or not re.search(r"""["']""" + re.escape(p.rstrip(".")), code)]
    assert stale == []


def test_pages_use_only_keys_that_exist():
    used = set()
    for path in [ROOT / "dashboard.py", *sorted((ROOT / "ui").rglob("*.py")), *sorted((ROOT / "core").rglob("*.py"))]:
        used |= set(re.findall(r"""\b(?:t|md)\(\s*"([a-z0-9_.]+)"\s*[,)]""", path.read_text(encoding="utf-8")))
    known = set(i18n.messages("en"))
    assert used and not (used - known)


# Streamlit calls that show text, and which of their arguments are shown (0: the first positional).
_SHOWN_ARGS = {
    **{name: (0, "body", "label", "help") for name in (
        "title", "header", "subheader", "caption", "markdown", "write", "text", "info", "warning", "error",
        "success", "toast", "expander", "status")},
    **{name: (0, "label", "help", "placeholder") for name in (
        "button", "form_submit_button", "download_button", "link_button", "selectbox", "multiselect", "radio",
        "segmented_control", "pills", "toggle", "checkbox", "text_input", "text_area", "number_input", "date_input",
        "time_input", "slider", "select_slider", "file_uploader", "metric", "popover", "spinner", "progress")},
    "page_link": ("label", "help"), "Page": ("title",), "set_page_config": ("page_title",), "tabs": (0,),
}


def test_pages_show_no_literal_text():
    """Labels, titles and messages come from the catalogue: a Streamlit call in dashboard.py or
    ui/ that shows a literal string with letters in it fails (keys, paths and icons are not shown)."""
    import ast

    found = []
    for path in [ROOT / "dashboard.py", *sorted((ROOT / "ui").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            shown = _SHOWN_ARGS.get(node.func.attr, ())
            args = [node.args[0]] if 0 in shown and node.args else []
            args += [kw.value for kw in node.keywords if kw.arg in shown]
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and re.search(r"[^\W\d_]", arg.value):
                    found.append(f"{path.name}:{node.lineno} {node.func.attr}({arg.value!r})")
    assert found == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_data_key_has_a_name_in_each_language(lang):
    perpetrators = {e["perpetrator"] for e in lexicon.load("actors").values() if e.get("perpetrator")} | {"unknown"}
    wanted = (
        [f"group.{g}" for g in figure_mod.GROUPS] + [f"status.{s}" for s in figure_mod.STATUSES]
        + [f"kind.{k}" for k in figure_mod.KINDS] + [f"perpetrator.{p}" for p in sorted(perpetrators)]
        + [f"source.{s}" for s in lexicon.load("sources")]
        + [f"unit.group.{g}" for g in figure_mod.GROUPS] + [f"unit.status.{s}" for s in figure_mod.STATUSES]
        + [f"weekday.{d}" for d in range(7)] + [f"plotly.{k}" for k in charts.PLOTLY_DICTIONARY]
        + [f"upload.error.{k}" for k in uploads.MESSAGES]
    )
    assert [k for k in wanted if k not in i18n.messages(lang)] == []


def test_arabic_names_data_keys_in_arabic():
    for kind, key in (("group", "children"), ("perpetrator", "regime"), ("source", "SOHR"), ("place", "rq-city")):
        assert re.search("[\u0600-\u06ff]", i18n.label(kind, key, "ar")), (kind, key)


def test_label_of_unknown_data_key_is_the_key_itself():
    assert i18n.label("source", "Some new monitor") == "Some new monitor"
    assert i18n.label("group", "children") == "children"
    assert i18n.label("perpetrator", None) == i18n.t("common.not_stated")
    assert i18n.label("place", "حي لم يرد في المعجم", "en") == "حي لم يرد في المعجم"


@pytest.mark.parametrize(("lang", "name"), [("en", "Raqqa"), ("ar", "الرقة"), (EASTERN, "الرقة")])
def test_gazetteer_place_is_named_in_the_interface_language(lang, name):
    assert i18n.label("place", "rq-city", lang) == name


# ---- locale tags, numbers, dates --------------------------------------------------------------------
@pytest.mark.parametrize(("tag", "eastern", "variant"), [
    ("ar", False, None), ("ar-u-nu-arab", True, None), ("ar-x-msa", False, "msa"), ("ar-u-nu-arab-x-msa", True, "msa"),
    ("en", False, None),
])
def test_locale_tag_round_trips(tag, eastern, variant):
    loc = i18n.locale(tag)
    assert (loc.lang, loc.eastern_digits, loc.variant) == (tag[:2], eastern, variant)
    assert loc.tag == tag


@pytest.mark.parametrize(("tag", "named"), [("ar-SY", "SY"), ("ar-x-gulf", "gulf"), ("xx", "xx")])
def test_unknown_locale_subtag_or_variant_names_it(tag, named):
    with pytest.raises(i18n.CatalogueError, match=named):
        i18n.t("trends.title", tag)


@pytest.mark.parametrize(("n", "lang", "text"), [
    (1234567, "en", "1,234,567"), (1234, "ar", "1,234"), (1234, EASTERN, "١٬٢٣٤"), (0, EASTERN, "٠"),
    (12.5, EASTERN, "١٢٫٥"), (None, "en", ""), (float("nan"), "ar", ""),
], ids=["en-grouped", "ar-western-by-default", "ar-eastern", "zero", "decimal", "none", "nan"])
def test_number_is_written_in_the_locale_digits(n, lang, text):
    assert i18n.format_number(n, lang) == text


@pytest.mark.parametrize(("d", "lang", "text"), [
    ("2017-08-13", "en", "13 Aug 2017"),
    ("2017-09-04", "en", "4 Sept 2017"),  # CLDR en_GB
    ("2017-08-13", "ar", "13 آب 2017"),
    (dt.date(2017, 8, 13), "ar-x-msa", "13 أغسطس 2017"),
    ("2017-08-13", "ar-u-nu-arab", "١٣ آب ٢٠١٧"),
    ("2017-01", "ar", "كانون الثاني 2017"),
    ("2017", "ar-u-nu-arab", "٢٠١٧"),
    (pd.Timestamp("2017-10-02 12:00"), "ar", "2 تشرين الأول 2017"),
], ids=["en", "en-cldr-september", "ar-levantine", "ar-msa", "ar-eastern", "month-precision", "year-precision", "timestamp"])
def test_date_is_written_with_the_locale_month_names(d, lang, text):
    assert i18n.format_date(d, lang) == text


def test_date_that_is_missing_or_not_a_date():
    assert i18n.format_date(None, "ar") == i18n.t("common.date_unknown", "ar")
    assert i18n.format_date("", "en") == i18n.t("common.date_unknown", "en")
    assert i18n.format_date("last week", "ar") == "last week"
    assert i18n.format_date("2017-13-40", "en") == "2017-13-40"


def test_eastern_digits_apply_to_numbers_but_not_to_user_text():
    assert i18n.t("articles.count", EASTERN, n=12).startswith("١٢ ")
    assert "r2017.txt" in i18n.t("upload.duplicate", EASTERN, name="r2017.txt")
    assert i18n.t("articles.count", "ar", n=12).startswith("12 ")


def test_trend_labels_follow_the_month_variant():
    assert trends.short_date("2017-08-21", "ar-x-msa") == "21 أغسطس 2017"
    row = {"source": "SOHR", "best": 125, "date": "2017-08-21", "date_from": "2017-08-15"}
    assert "أغسطس" in trends.toll_label(row, "ar-x-msa") and "المرصد السوري" in trends.toll_label(row, "ar")


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_any_date_text_is_written_without_error(text):
    for lang in ("en", "ar-u-nu-arab-x-msa"):
        assert isinstance(i18n.format_date(text, lang), str)


# ---- browser language -------------------------------------------------------------------------------
@pytest.mark.parametrize(("locale", "accept", "lang"), [
    ("ar-SY", None, "ar"), ("ar", "en-US", "ar"), ("en-GB", "ar", "en"), ("fr-FR", "fr-FR,fr;q=0.9,ar;q=0.8", "ar"),
    (None, "de;q=0.9, en;q=0.8, ar;q=0.1", "en"), (None, "ar-IQ;q=0", "en"), (None, None, "en"), ("", "garbage;;q=x", "en"),
], ids=["locale-ar", "locale-first", "locale-en", "accept-ar", "accept-ranked", "q-zero", "nothing", "garbage"])
def test_default_language_follows_the_browser(locale, accept, lang):
    assert i18n.browser_language(locale, accept) == lang


# ---- upload errors ----------------------------------------------------------------------------------
def _fields(template: str) -> dict[str, str]:
    return {f: f"«{f}»" for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("key", list(uploads.MESSAGES))
def test_upload_error_is_shown_in_the_interface_language(key):
    values = {**_fields(uploads.MESSAGES[key]), "name": "report.pdf"}
    english = uploads.MESSAGES[key].format(**values)
    assert i18n.t(f"upload.error.{key}", "en") == uploads.MESSAGES[key]  # the catalogue keeps up with decode
    assert upload_errors.upload_error(english, "en") == english
    arabic = upload_errors.upload_error(english, "ar")
    if "detail" in values:  # a library's own words: kept, isolated so that "(…)" stays in order
        values["detail"] = f"{i18n.FSI}{values['detail']}{i18n.PDI}"
    assert arabic == i18n.t(f"upload.error.{key}", "ar", **{**values, "name": f"{i18n.FSI}report.pdf{i18n.PDI}"})
    assert re.search("[\u0600-\u06ff]", arabic)


def test_real_upload_error_and_pasted_text_name_are_translated():
    with pytest.raises(uploads.UploadError) as err:
        decode.decode_upload(bytes(range(256)) * 8, "noise.txt")
    arabic = upload_errors.upload_error(str(err.value), "ar")
    assert i18n.t("upload.what.binary data", "ar") in arabic and "binary data" not in arabic
    with pytest.raises(uploads.UploadError) as err:
        decode.decode_pasted("   ")
    assert upload_errors.upload_error(str(err.value), "ar").startswith(f"{i18n.FSI}{i18n.t('upload.pasted_name', 'ar')}{i18n.PDI}:")


def test_every_kind_of_binary_upload_is_named_in_arabic():
    whats = [w for _, w in uploads._BINARY_SIGNATURES]
    whats += ["binary data", "an image or media file", "a damaged ZIP archive", "a ZIP archive (not a Word .docx)"]
    assert [w for w in whats if f"upload.what.{w}" not in i18n.messages("ar")] == []


@pytest.mark.parametrize(("data", "name", "arabic"), [
    (b"not a pdf at all", "bad.pdf", "لا يبدأ كما يبدأ ملف PDF"),
    (b"PK\x03\x04 broken", "bad.docx", None),
])
def test_a_damaged_file_is_explained_in_arabic_without_english_words(data, name, arabic):
    with pytest.raises(uploads.UploadError) as err:
        decode.decode_upload(data, name)
    text = upload_errors.upload_error(str(err.value), "ar")
    if arabic:
        assert f"({arabic})" in text
    assert not re.search(r"\b(?:it|is|does|not|start|like|a)\b", text), text


def test_a_refused_file_is_named_once():
    with pytest.raises(uploads.UploadError) as err:
        decode.decode_upload(b"not a pdf at all", "bad.pdf")
    for lang in LANGS:
        line = i18n.t("upload.refused", lang, name="bad.pdf", reason=upload_errors.upload_error(str(err.value), lang, named=False))
        assert line.count("bad.pdf") == 1, line
    assert line.startswith("لم يُضف bad.pdf: الملف تالف")


def test_other_errors_are_shown_as_they_are():
    assert upload_errors.upload_error("x.txt: the database is locked.", "ar") == "x.txt: the database is locked."


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_any_message_is_translated_without_error(text):
    assert isinstance(upload_errors.upload_error(text, "ar"), str)


# ---- Markdown ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    ["[click](javascript:alert(1))", "<img src=x onerror=alert(1)>", "**bold** _it_ `code`", "$x^2$",
     "# heading", "line\nbreak"],
    ids=["link", "html", "emphasis", "latex", "heading", "newline"],
)
@pytest.mark.parametrize("lang", LANGS)
def test_markdown_values_are_escaped(value, lang):
    out = i18n.md("upload.duplicate", lang, name=value)
    template = i18n.t("upload.duplicate", lang)
    for literal in template.replace("{name}", "\0").split("\0"):
        out = out.replace(literal, "")
    for ch in "[]()<>*_`$#":
        assert re.search(r"(?<!\\)" + re.escape(ch), out) is None
    assert "\n" not in out


def test_file_name_in_an_arabic_message_is_isolated():
    out = i18n.md("upload.duplicate", "ar", name="report.txt")
    assert out.startswith(f"{i18n.FSI}report\\.txt{i18n.PDI}:")
    assert i18n.FSI not in i18n.md("upload.duplicate", "en", name="report.txt")


# ---- charts -----------------------------------------------------------------------------------------
def _weekly() -> pd.DataFrame:
    return pd.DataFrame({
        "week": [dt.date(2017, 8, 7), dt.date(2017, 8, 7), dt.date(2017, 8, 14)],
        "series": ["civilians", "of_which_children", "civilians"],
        "best": [12, 4, 1250], "low": [12, 4, 1200], "high": [12, 4, 1300], "figures": [1, 1, 2],
    })


def _tolls() -> pd.DataFrame:
    return pd.DataFrame([{
        "week": dt.date(2017, 8, 14), "event_date": dt.date(2017, 8, 20), "source": "SOHR", "best": 125, "min": 125,
        "max": 125, "date": "2017-08-21", "date_from": "2017-08-15", "article_id": "a2", "id": "f1", "tolls": 1,
    }])


def test_english_chart_is_left_as_it_is():
    fig = trends.chart(_weekly(), _tolls(), "killed", "en")
    before = fig.to_json()
    assert charts.localize_chart(fig, "en").to_json() == before
    assert charts.chart_config("en", {"displaylogo": False}) == {"displaylogo": False}


def test_arabic_chart_texts_are_isolated_right_to_left_in_an_arabic_font():
    fig = charts.localize_chart(trends.chart(_weekly(), _tolls(), "killed", "ar"), "ar")
    names = [tr.name for tr in fig.data]
    assert f"{i18n.RLI}{i18n.t('series.civilians', 'ar')}{i18n.PDI}" in names
    assert all(n.startswith(i18n.RLI) and n.endswith(i18n.PDI) for n in names)
    assert fig.layout.xaxis.title.text == f"{i18n.RLI}{i18n.t('chart.x_title', 'ar')}{i18n.PDI}"
    assert "Noto Sans Arabic" in fig.layout.font.family and fig.layout.hoverlabel.align == "right"
    bar = fig.data[0]
    body = bar.hovertemplate.split("<extra>")[0]
    assert all(line.startswith(i18n.RLI) for line in body.split("<br>"))
    toll = next(tr for tr in fig.data if tr.yaxis == "y2")
    assert toll.text[0].startswith(i18n.RLI) and "المرصد السوري" in toll.text[0]


def test_arabic_chart_config_names_the_months_for_plotly():
    config = charts.chart_config("ar-x-msa", {"displaylogo": False})
    fmt = config["locales"][config["locale"]]["format"]
    assert config["displaylogo"] is False
    assert fmt["months"][7] == "أغسطس" and fmt["shortMonths"][0] == "يناير" and fmt["days"][0] == "الأحد"
    assert config["locales"]["ar-x-msa"]["dictionary"]["Zoom in"] == i18n.t("plotly.Zoom in", "ar")


def test_eastern_digits_reach_ticks_and_hovers_and_clicks_still_work():
    fig = charts.localize_chart(trends.chart(_weekly(), _tolls(), "killed", "ar"), EASTERN)
    assert fig.layout.yaxis.ticktext[0] == "٠" and "١٬٠٠٠" in fig.layout.yaxis.ticktext
    assert not re.search("[0-9]", "".join(fig.layout.yaxis.ticktext + fig.layout.xaxis.ticktext))
    assert fig.layout.xaxis.tickvals[0] == "2017-08-07"  # a Monday, where weeks start
    bar = fig.data[0]
    assert "%{y}" not in bar.hovertemplate
    assert bar.customdata[0][-2] == "١٢"  # y, written in Eastern digits for the hover
    point = {"customdata": list(bar.customdata[0])}
    assert trends.pick_from_selection([point]) == (dt.date(2017, 8, 7), "civilians")
    toll = next(tr for tr in fig.data if tr.yaxis == "y2")
    assert "١٢٥" in toll.text[0]


@pytest.mark.parametrize(("first", "last", "count"), [
    ("2017-08-01", "2017-09-30", 10), ("2017-01-01", "2017-12-31", 12), ("2014-01-01", "2019-06-01", 8),
])
def test_date_ticks_stay_few_and_carry_the_year(first, last, count):
    vals, texts = charts.date_ticks(first, last, EASTERN)
    assert 2 <= len(vals) <= count
    assert vals[0] <= first and vals[-1] >= last[:7]
    assert "٢٠" in texts[0] and not re.search("[0-9]", "".join(texts))


def test_number_ticks_are_whole_numbers_from_zero():
    vals, texts = charts.number_ticks(13, "ar")
    assert vals[0] == 0 and vals[-1] >= 13 and all(float(v).is_integer() for v in vals)
    assert texts == [str(int(v)) for v in vals]
