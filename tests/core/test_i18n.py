"""The message catalogues in data/i18n: every page string comes from them, by key."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core import i18n

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def catalogue_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "CATALOGUE_DIR", tmp_path)
    i18n.clear_caches()
    yield tmp_path
    i18n.clear_caches()


def _write(folder: Path, lang: str, messages: dict, direction: str = "ltr") -> None:
    (folder / f"{lang}.json").write_text(
        json.dumps({"_doc": "test", "direction": direction, "messages": messages}, ensure_ascii=False),
        encoding="utf-8",
    )


def test_message_is_filled_with_its_values():
    assert i18n.t("upload.duplicate", "en", name="a.txt") == "a.txt: already in the database, nothing changed."


def test_unknown_key_names_the_key_and_the_file_to_edit():
    with pytest.raises(i18n.CatalogueError, match=r"'no\.such\.key'.*en\.json"):
        i18n.t("no.such.key")


LANGS = [p.stem for p in sorted((ROOT / "data" / "i18n").glob("*.json"))]


@pytest.mark.parametrize("lang", LANGS)
def test_translation_uses_english_keys_and_placeholders(lang):
    """A key English lacks, or other placeholders, would break a page: these fail the run. A key
    not translated yet only falls back to English; it is listed as a warning to fill in."""
    problems = i18n.problems(lang)
    missing = [p for p in problems if ": missing key " in p]
    if missing:
        import warnings

        warnings.warn(f"{len(missing)} untranslated key(s) in {lang}.json, e.g. {missing[0]}", stacklevel=1)
    assert [p for p in problems if p not in missing] == []


def test_arabic_catalogue_runs_right_to_left_and_covers_the_trends_page():
    assert i18n.direction("ar") == "rtl"
    keys = [k for k in i18n.messages("en") if k.split(".")[0] in ("trends", "series", "chart", "toll", "upload")]
    assert keys and all(k in i18n.messages("ar") for k in keys)


def test_missing_translation_falls_back_to_english_and_is_reported(catalogue_dir):
    _write(catalogue_dir, "en", {"a": "Hello {name}", "b": "Bye"})
    _write(catalogue_dir, "ar", {"a": "مرحبا {name}"}, "rtl")
    assert i18n.t("b", "ar") == "Bye"
    assert i18n.t("a", "ar", name="x") == "مرحبا x"
    assert i18n.direction("ar") == "rtl"
    assert i18n.problems("ar") == ["ar.json: missing key 'b'"]


def test_translation_with_other_placeholders_is_reported(catalogue_dir):
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


@pytest.mark.parametrize(
    "value",
    ["[click](javascript:alert(1))", "<img src=x onerror=alert(1)>", "**bold** _it_ `code`", "$x^2$",
     "# heading", "line\nbreak"],
    ids=["link", "html", "emphasis", "latex", "heading", "newline"],
)
def test_markdown_values_are_escaped(value):
    out = i18n.md("upload.duplicate", "en", name=value)
    for ch in "[]()<>*_`$#":
        assert re.search(r"(?<!\\)" + re.escape(ch), out.replace("already in the database", "")) is None
    assert "\n" not in out


def test_label_of_unknown_data_key_is_the_key_itself():
    assert i18n.label("source", "Some new monitor") == "Some new monitor"
    assert i18n.label("group", "children") == "children"
    assert i18n.label("perpetrator", None) == i18n.t("common.not_stated")


def test_pages_use_only_keys_that_exist():
    used = set()
    for path in [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]:
        used |= set(re.findall(r"""\b(?:t|md)\(\s*"([a-z0-9_.]+)"\s*[,)]""", path.read_text(encoding="utf-8")))
    known = set(i18n.messages("en"))
    assert used and not (used - known)
