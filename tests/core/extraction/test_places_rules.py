"""Place matching rules of issue 5 that tests/core/extraction/test_places.py does not cover yet.

Our own sentences. Added for the map:
- normalisation: ى/ي both ways, every hamza form of alef (أ إ آ ا), tatweel inside a name,
  ة/ه on the city after a district;
- prefixes with gazetteer names: بلدة, قرية, حارة, glued ل/ب before حي/بلدة;
- the figure's place: the most precise place of its clause and that place's precision
  (district over city, in either order; the countryside is a region, never the city), and each
  ambiguity of data/gazetteer/SOURCES.md seen through the extractor, as the map receives it.
"""

from __future__ import annotations

import pytest

from core.extraction import places
from core.extraction.extract import extract


def found(text: str) -> list[tuple[str, str | None, str]]:
    return [(m.text, m.place_id, m.precision) for m in places.find_places(text)]


def placed(text: str) -> list[tuple[int | None, str | None, str | None, str | None]]:
    return [(f.best, f.place, f.place_id, f.place_precision) for f in extract(text)]


# ---------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "text, place_id",
    [
        ("قصف على عين عيسى", "sp-ain-issa"),
        ("قصف على عين عيسي", "sp-ain-issa"),
        ("اشتباكات في القامشلي", "sp-qamishli"),
        ("اشتباكات في القامشلى", "sp-qamishli"),
    ],
    ids=["alef-maqsura", "ya-for-maqsura", "ya", "maqsura-for-ya"],
)
def test_alef_maqsura_and_ya_spellings_match_the_same_place(text, place_id):
    assert [p for _, p, _ in found(text)] == [place_id]


@pytest.mark.parametrize("name", ["أعزاز", "اعزاز", "إعزاز", "آعزاز"], ids=["hamza-above", "bare", "hamza-below", "madda"])
def test_every_hamza_form_of_alef_matches_the_same_town(name):
    assert found(f"قصف مدفعي على {name}") == [(name, "sp-azaz", "city")]


def test_tatweel_inside_a_name_keeps_the_span_as_written():
    assert found("وصل النازحون إلى عين عيسـى") == [("عين عيسـى", "sp-ain-issa", "town")]


def test_teh_marbuta_as_heh_on_city_after_district():
    assert found("غارة على حي المشلب بالرقه") == [("حي المشلب", "nb-mashlab", "district"), ("الرقه", "rq-city", "city")]


# ---------------------------------------------------------------- prefixes


@pytest.mark.parametrize(
    "text, expected",
    [
        ("قتل رجل في بلدة معدان", ("بلدة معدان", "sp-maadan", "town")),
        ("ببلدة المنصورة غرب الرقة", ("بلدة المنصورة", "sp-mansoura-raqqa", "town")),
        ("قصفت الطائرات قرية حمرة ناصر", ("قرية حمرة ناصر", "sp-hamrat", "village")),
        ("عاد الأهالي إلى حارة السخاني", ("حارة السخاني", "nb-sakhani", "district")),
        ("وصلت فرق الإنقاذ لحي المشلب", ("حي المشلب", "nb-mashlab", "district")),
        ("سقطت قذيفة على مدينة الحسكة", ("مدينة الحسكة", "sp-hasakah", "city")),
    ],
    ids=["balda", "bi-balda", "qarya", "hara", "li-hayy", "madina"],
)
def test_prefix_word_with_a_gazetteer_name_gives_that_place(text, expected):
    assert found(text)[0] == expected


def test_countryside_with_glued_preposition_is_the_region():
    assert found("غارات بريف الرقة") == [("ريف الرقة", "rg-raqqa", "region")]


# ---------------------------------------------------------------- the figure's place


@pytest.mark.parametrize(
    "text, expected",
    [
        ("قتل 5 مدنيين في حي المشلب بمدينة الرقة.", (5, "حي المشلب", "nb-mashlab", "district")),
        ("قتل 5 مدنيين بالرقة في حي المشلب.", (5, "حي المشلب", "nb-mashlab", "district")),
        ("قُتل 7 مدنيين في غارة على حيّ الدرعيّة بمدينة الرقة.", (7, "حيّ الدرعيّة", "nb-dariya", "district")),
        ("قتل 5 مدنيين في الرقة.", (5, "الرقة", "rq-city", "city")),
        ("قتل 6 مدنيين في ريف الرقة الشمالي، في قرية حمرة ناصر.", (6, "قرية حمرة ناصر", "sp-hamrat", "village")),
    ],
    ids=["district-then-city", "city-then-district", "diacritics", "city-only", "village-in-countryside"],
)
def test_figure_carries_the_most_precise_place_and_its_precision(text, expected):
    assert placed(text) == [expected]


def test_figure_in_the_countryside_is_a_region_not_the_city():
    assert placed("قتل 4 مدنيين في ريف الرقة الشمالي.") == [(4, "ريف الرقة الشمالي", "rg-raqqa", "region")]


def test_figure_in_an_unknown_village_keeps_the_name_without_an_id():
    assert placed("قتل 6 مدنيين في قرية فتاتيش بريف الرقة الشمالي.") == [(6, "قرية فتاتيش", None, "village")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("قتل 3 مدنيين في حي المنصور بالرقة.", ("nb-mansour", "district")),
        ("قتل 3 مدنيين في بلدة المنصورة.", ("sp-mansoura-raqqa", "town")),
        ("قتل 2 مدنيين في حي الفرات بمدينة الرقة.", ("nb-nazlat-shehada", "district")),
        ("قتل 2 مدنيين غرقا في نهر الفرات.", (None, "region")),
        ("قتل 2 مدنيين في حي الدرعية بالرقة.", ("nb-dariya", "district")),
        ("قتل 2 مدنيين في داريا.", ("sp-darayya", "town")),
    ],
    ids=["mansour-district", "mansoura-town", "furat-district", "euphrates-river", "dariya-raqqa", "darayya-damascus"],
)
def test_listed_ambiguities_reach_the_figure_as_the_right_place(text, expected):
    ((_, _, place_id, precision),) = placed(text)
    assert (place_id, precision) == expected
