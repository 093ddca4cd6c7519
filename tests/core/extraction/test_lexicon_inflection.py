"""The inflection rules of ``data/lexicon/inflection.json``: a lexicon lists a word once and a text
may use any of its forms."""

from core.extraction import lexicon
from core.extraction.extract import extract


def _forms(name: str, key: str) -> set[str]:
    return {s for k, e in lexicon.load(name).items() if k == key or k.startswith(key + "+") for s in e["surfaces"]}


def test_a_status_verb_is_matched_in_its_dual_plural_and_present_forms():
    forms = _forms("casualty_terms", "martyr_verb")
    assert {"استشهدا", "استشهدوا", "يستشهد", "قضوا", "لقيا"} <= forms


def test_a_verb_phrase_is_inflected_on_its_verb():
    assert "أوديا بحياة" in _forms("casualty_terms", "kill_verb")


def test_a_victim_noun_is_matched_as_a_dual_and_with_a_pronoun():
    assert {"طفلها", "طفلاه", "طفلتيهما"} <= _forms("victims", "child_sg")
    assert {"شهيدين", "شهيدتين", "قتيلتان"} <= _forms("victims", "killed_sg")
    derived = lexicon.load("victims")["killed_sg+dual"]
    assert derived["number"] == "du" and derived["status"] == "killed"


def test_a_form_listed_by_another_entry_keeps_that_entry():
    # «مدنيين» is listed as the plural; the dual rule must not claim it
    assert "مدنيين" not in _forms("victims", "civilian_sg") - set(lexicon.load("victims")["civilian_sg"]["surfaces"])


def test_two_bombings_that_took_32_lives_are_32_killed():
    figs = extract("وقع تفجيران أوديا بحياة 32 شخصا في المدينة.")
    assert [(f.best, f.status) for f in figs] == [(32, "killed")]
