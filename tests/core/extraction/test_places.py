"""Tests for core/extraction/places.py: what a journalist sees as the place of a figure.

Sentences are our own, written for these tests. Groups:
- glued prepositions and prefixes (بالرقة, لحارة البدو, حيي ... و...);
- the ambiguities listed in data/gazetteer/SOURCES.md (المنصور/المنصورة, الفرات, تشرين,
  الدرعية/داريا, الثورة, الطبقة ...);
- unknown places after a prefix word (قرية فتاتيش);
- English names; the data files; same_place_text; never raising.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.extraction import gazetteer, places


def found(text: str) -> list[tuple[str, str | None]]:
    return [(m.text, m.place_id) for m in places.find_places(text)]


def one(text: str) -> places.PlaceMatch:
    ms = places.find_places(text)
    assert len(ms) == 1, ms
    return ms[0]


# ---------------------------------------------------------------- spans and glued words


@pytest.mark.parametrize(
    "text, expected",
    [
        ("قتل ثلاثة مدنيين بالرقة", "الرقة"),
        ("وصلت المساعدات للرقة أمس", "لرقة"),  # ل + الرقة: the span starts at the article's ل
        ("في دير الزور والرقة", "الرقة"),
        ("ثم قصفت فالرقة", "الرقة"),
        ("ووقع انفجار وبالرقة أيضا", "الرقة"),
        ("غارة في حي الدرعية", "حي الدرعية"),
        ("نزح الأهالي لحارة البدو", "حارة البدو"),
        ("غارة على مدينة الرقة", "مدينة الرقة"),
        ("سقطت قذيفة بمدينة الرقة", "مدينة الرقة"),
    ],
    ids=["bi", "li-article", "wa", "fa", "wa-bi", "fi-hayy", "li-hara", "madina", "bi-madina"],
)
def test_glued_preposition_left_out_of_span_prefix_word_kept(text, expected):
    matches = places.find_places(text)
    texts = [m.text for m in matches]
    assert expected in texts
    for m in matches:
        assert text[m.start : m.end] == m.text


def test_span_indexes_original_text_with_diacritics_and_tatweel():
    text = "قُتِلَ طفلٌ في حـــيّ الدّرعيّة بالرّقّة"
    ms = places.find_places(text)
    assert [m.place_id for m in ms] == ["nb-dariya", "rq-city"]
    assert ms[0].text == "حـــيّ الدّرعيّة"
    assert ms[1].text == "الرّقّة"


def test_hamza_and_teh_marbuta_variants_match_the_same_place():
    assert one("قصف على ادلب").place_id == one("قصف على إدلب").place_id == "sp-idlib"
    assert one("غارة على الرقه").place_id == "rq-city"


# ---------------------------------------------------------------- prefixes, duals, countryside


def test_dual_district_prefix_gives_two_districts():
    ms = places.find_places("قصف على حيي الدرعية والبريد في مدينة الرقة")
    assert [(m.text, m.place_id, m.precision) for m in ms] == [
        ("حيي الدرعية", "nb-dariya", "district"),
        ("البريد", "nb-bareed", "district"),
        ("مدينة الرقة", "rq-city", "city"),
    ]


def test_dual_hara_then_another_prefixed_area():
    ms = found("سقط قتلى في حارتي السخاني والبدو ومنطقة الحديقة البيضاء بالرقة")
    assert ms == [
        ("حارتي السخاني", "nb-sakhani"),
        ("البدو", "nb-badu"),
        ("منطقة الحديقة البيضاء", "nb-white-garden"),
        ("الرقة", "rq-city"),
    ]


def test_countryside_is_a_region_not_the_city():
    m = one("قتل خمسة مدنيين بغارة على ريف الرقة الشمالي")
    assert m.text == "ريف الرقة الشمالي"
    assert m.rural and m.precision == "region"
    assert m.place_id != "rq-city"
    assert gazetteer.get_place(m.place_id).parent == "gv-raqqa"


def test_countryside_of_a_town_without_region_row_has_no_id():
    m = one("قصف مدفعي على ريف منبج الغربي")
    assert (m.text, m.place_id, m.precision, m.rural) == ("ريف منبج الغربي", None, "region", True)


def test_countryside_of_two_word_city_with_direction():
    m = one("غارات بريف دير الزور الشرقي")
    assert (m.text, m.place_id, m.rural) == ("ريف دير الزور الشرقي", "rg-deir-ez-zor", True)


def test_governorate_prefix_gives_the_governorate_not_the_city():
    ms = places.find_places("في محافظة إدلب شمال غرب سوريا")
    assert [(m.text, m.place_id, m.precision) for m in ms] == [
        ("محافظة إدلب", "gv-idlib", "governorate"),
        ("سوريا", "cc-syria", "country"),
    ]


def test_old_city_names_are_the_old_city_district():
    assert one("معارك في الرقة القديمة").place_id == "nb-old-city"
    assert found("اشتباكات في المدينة القديمة بالرقة") == [
        ("المدينة القديمة", "nb-old-city"),
        ("الرقة", "rq-city"),
    ]
    assert found("تفجير في حي الرقة القديم") == [("حي الرقة القديم", "nb-old-city")]


def test_quoted_name_after_prefix():
    ms = found("غارة على حي “التوسيعة” في مدينة الرقة")
    assert ms == [("حي “التوسيعة”", "nb-tawassiya"), ("مدينة الرقة", "rq-city")]


# ---------------------------------------------------------------- ambiguities


def test_mansour_district_is_not_mansoura_town():
    ms = places.find_places("قصف على حي المنصور في الرقة وعلى بلدة المنصورة غربها")
    assert [(m.place_id, m.precision) for m in ms] == [
        ("nb-mansour", "district"),
        ("rq-city", "city"),
        ("sp-mansoura-raqqa", "town"),
    ]


def test_person_named_mansour_is_not_a_place():
    assert places.find_places("قال أحمد المنصور إن القصف استمر") == []


def test_euphrates_river_is_not_the_furat_district():
    assert found("غرق طفلان في نهر الفرات") == [("نهر الفرات", None)]
    assert places.find_places("تقدمت القوات شرق الفرات") == []
    assert places.find_places("عبروا الفرات بالقوارب") == []


def test_furat_after_hayy_is_the_district_when_text_is_about_raqqa():
    assert found("قصف على حي الفرات جنوب مدينة الرقة")[0] == ("حي الفرات", "nb-nazlat-shehada")


def test_tishreen_months_and_dam_are_not_rumaila():
    assert places.find_places("في الخامس من تشرين الأول قتل عشرة") == []
    assert places.find_places("حتى تشرين الثاني الماضي") == []
    m = one("غارة قرب سد تشرين")
    assert (m.text, m.place_id, m.precision) == ("سد تشرين", None, "landmark")
    assert one("قصف على حي تشرين").place_id == "nb-rumaila"
    assert one("قصف على مزرعة تشرين").place_id == "sp-tishreen-farms"


def test_dariya_raqqa_is_not_darayya_damascus():
    assert one("سقطت قذائف على داريا").place_id == "sp-darayya"
    assert found("سقطت قذائف على الدرعية غرب الرقة") == [("الدرعية", "nb-dariya"), ("الرقة", "rq-city")]


def test_dariya_without_raqqa_in_text_is_not_the_raqqa_district():
    assert places.find_places("افتتح مهرجان في الدرعية قرب الرياض") == []
    m = one("سقطت قذيفة على حي الدرعية")
    assert (m.text, m.place_id, m.precision) == ("حي الدرعية", None, "district")


def test_thawra_only_with_city_prefix():
    assert places.find_places("منذ بداية الثورة السورية") == []
    assert one("في مدينة الثورة").place_id == "sp-tabqa"
    assert one("في الطبقة").place_id == "sp-tabqa"


def test_rashid_and_hittin_quarters_versus_farms_and_park():
    text = "قصف على حي الرشيد وحديقة الرشيد ومزرعة الرشيد ومزرعة حطين وحي حطين في الرقة"
    assert found(text) == [
        ("حي الرشيد", "nb-rashid"),
        ("حديقة الرشيد", "lm-rashid-park"),
        ("مزرعة الرشيد", None),
        ("مزرعة حطين", None),
        ("حي حطين", "nb-hittin"),
        ("الرقة", "rq-city"),
    ]
    assert places.find_places("ذكرى معركة حطين") == []


def test_baath_quarter_not_in_gazetteer_is_unknown_district():
    m = one("غارة على حي البعث")
    assert (m.text, m.place_id, m.precision) == ("حي البعث", None, "district")


def test_tabqa_floor_or_class_is_not_a_place():
    assert places.find_places("انهارت الطبقة الثانية من المبنى") == []


@pytest.mark.parametrize(
    "word",
    [
        "الصناعة",
        "الثكنة",
        "الفردوس",
        "النهضة",
        "الأندلس",
        "البريد",
        "الرشيد",
        "حطين",
        "الطيار",
        "البدو",
        "الباب",
    ],
)
def test_common_word_alias_alone_is_not_a_place(word):
    assert found(f"تحدث الرجل عن {word} طويلا في الرقة") == [("الرقة", "rq-city")]


def test_generic_quarter_name_elsewhere_is_unknown_district():
    ms = places.find_places("غارة على حي الفردوس في حلب")
    assert [(m.text, m.place_id, m.precision) for m in ms] == [
        ("حي الفردوس", None, "district"),
        ("حلب", "sp-aleppo", "city"),
    ]
    ms = places.find_places("غارة على حي الفردوس في الرقة")
    assert ms[0].place_id == "nb-firdous"


def test_pilot_in_strike_report_is_not_tayyar_district():
    assert places.find_places("وقتل الطيار بعد سقوط الطائرة") == []
    assert found("قصف حي الطيار في الرقة") == [("حي الطيار", "nb-tayyar"), ("الرقة", "rq-city")]


@pytest.mark.parametrize(
    "text",
    [
        "تحدث بكل رقة",
        "وقع على ورقة رسمية",
        "كان يزورنا دوماً",
        "ضعف بصري مزمن",
        "في ميادين القتال",
        "أعاد إحياء المجد",
        "سد العجز في الموازنة",
    ],
    ids=["delicacy", "paper", "always", "visual", "battlefields", "revival", "fill-deficit"],
)
def test_words_that_fold_to_place_names_are_not_places(text):
    assert places.find_places(text) == []


def test_country_inside_an_actor_name_is_not_a_place():
    assert places.find_places("قالت قوات سوريا الديمقراطية إن") == []
    assert places.find_places("تنظيم الدولة الإسلامية في العراق والشام") == []
    assert found("قتل خمسة في سوريا والعراق") == [("سوريا", "cc-syria"), ("العراق", "cc-iraq")]


def test_his_country_is_not_a_town_prefix():
    assert places.find_places("عاد إلى بلده مصر") == []
    assert found("عاد إلى بلدة مصرين") == [("بلدة مصرين", None)]


# ---------------------------------------------------------------- unknown places


def test_village_not_in_gazetteer_after_prefix():
    m = one("قتل سبعة في قرية فتاتيش شرقي المدينة")
    assert (m.text, m.place_id, m.precision) == ("قرية فتاتيش", None, "village")


def test_unknown_two_word_names():
    assert found("قصف على قرية تل هواش") == [("قرية تل هواش", None)]
    assert found("سقط برميل على حي سعد الأنصاري السكني") == [("حي سعد الأنصاري", None)]


def test_unknown_dual_villages():
    ms = places.find_places("غارات على قريتي السوسة والبوبدران")
    assert [(m.text, m.precision) for m in ms] == [("قريتي السوسة", "village"), ("البوبدران", "village")]


@pytest.mark.parametrize(
    "text",
    [
        "في حي سكني مكتظ",
        "أخرج طفل حي من تحت الأنقاض",
        "في قرية صغيرة",
        "في منطقة عسكرية",
        "في مدينة أخرى",
        "زار مدن أوروبية",
        "في مدينة سياحية",
        "شارع يشحن السيارات",
        "في مناطق القتال",
        "أحياء بمدينة",
    ],
)
def test_prefix_followed_by_ordinary_word_is_not_a_place(text):
    assert places.find_places(text) == []


# ---------------------------------------------------------------- English


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Five civilians were killed in Raqqa on Monday", [("Raqqa", "rq-city")]),
        ("an air strike north of Raqqa city", [("Raqqa city", "rq-city")]),
        (
            "clashes in Deir ez-Zor and Deir Ezzor",
            [("Deir ez-Zor", "sp-deir-ez-zor"), ("Deir Ezzor", "sp-deir-ez-zor")],
        ),
        ("shelling on IDLIB", [("IDLIB", "sp-idlib")]),
        ("refugees from Syria and Iraq", [("Syria", "cc-syria"), ("Iraq", "cc-iraq")]),
        ("the al-Mashlab district of Raqqa", [("al-Mashlab district", "nb-mashlab"), ("Raqqa", "rq-city")]),
    ],
)
def test_english_names(text, expected):
    assert found(text) == expected
    assert all(m.lang == "en" for m in places.find_places(text))


def test_english_word_inside_other_word_does_not_match():
    assert places.find_places("The Homsville and Raqqawi teams") == []


def test_english_rural_is_region():
    m = one("in rural Idlib")
    assert m.rural and m.precision == "region" and m.place_id == "rg-idlib"


def test_english_person_name_is_not_district():
    assert places.find_places("spokesman Hisham said") == []


# ---------------------------------------------------------------- API and data


def test_get_place_and_all_places():
    p = gazetteer.get_place("nb-mashlab")
    assert p.name_ar == "المشلب" and p.precision == "district" and p.parent == "rq-city"
    assert p.coord_precision == "exact" and p.lat is not None
    assert gazetteer.get_place("no-such-id") is None
    ids = {p.id for p in gazetteer.all_places()}
    assert {"rq-city", "sp-tabqa", "gv-raqqa", "cc-syria", "rg-raqqa"} <= ids


def test_places_without_coordinate_have_no_coordinate_precision():
    for p in gazetteer.all_places():
        if p.lat is None:
            assert p.lon is None and p.coord_precision is None, p.id
        else:
            assert p.source, p.id


def test_every_extra_coordinate_has_a_cited_source():
    for p in gazetteer.all_places():
        if p.id.startswith(("gv-", "cc-", "rg-")) or p.id in ("sp-darayya", "sp-douma"):
            if p.lat is not None:
                assert "Open-Syria" in p.source or "syria_cities.dart" in p.source, p.id


def test_towns_have_a_governorate_parent():
    for p in gazetteer.all_places():
        if p.id.startswith("sp-"):
            parent = gazetteer.get_place(p.parent)
            assert parent is not None and parent.precision == "governorate", p.id


def test_bad_data_file_is_reported_with_file_and_row(tmp_path, monkeypatch):
    import shutil

    for f in gazetteer.GAZETTEER_DIR.iterdir():
        shutil.copy(f, tmp_path / f.name)
    with (tmp_path / "ambiguous_aliases.csv").open("a", encoding="utf-8") as fh:
        fh.write("كلمة,nb-mashlab,ar,sometimes,,test row\n")
    monkeypatch.setattr(gazetteer, "GAZETTEER_DIR", tmp_path)
    gazetteer.clear_caches()
    try:
        with pytest.raises(gazetteer.GazetteerError) as err:
            places.find_places("الرقة")
        msg = str(err.value)
        assert "ambiguous_aliases.csv" in msg and "كلمة" in msg and "sometimes" in msg
        assert "not an alias of that place" in msg
    finally:
        monkeypatch.undo()
        gazetteer.clear_caches()


# ---------------------------------------------------------------- same_place_text


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("الرقة", "مدينة الرقة", True),
        ("بالرقة", "الرقة", True),
        ("حي البدو", "حارة البدو", True),
        ("شمال مدينة حماة", "حماة", True),
        ("الطبقة", "مدينة الثورة", True),
        ("التوسيعة", "حي التوسعية", True),
        ("فتاتيش", "قرية فتاتيش", True),
        ("حي الفردوس", "الفردوس", True),
        ("Raqqa city", "الرقة", True),
        ("ريف الرقة", "الرقة", False),
        ("المنصور", "المنصورة", False),
        ("الدرعية", "داريا", False),
        ("حلب", "إدلب", False),
        ("", "الرقة", False),
    ],
)
def test_same_place_text(a, b, same):
    assert places.same_place_text(a, b) is same
    assert places.same_place_text(b, a) is same


# ---------------------------------------------------------------- robustness


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_find_places_never_raises_and_spans_are_exact(text):
    for m in places.find_places(text):
        assert text[m.start : m.end] == m.text
        assert m.precision in gazetteer.KINDS


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "حي",
                "حيي",
                "ريف",
                "الرقة",
                "و",
                "بال",
                "قرية",
                "،",
                "“",
                "الفرات",
                "Raqqa",
                "city",
                "of",
                "-",
                "تشرين",
                "الأول",
                " ",
                "والبدو",
                "الشمالي",
            ]
        ),
        max_size=30,
    )
)
def test_find_places_never_raises_on_prefix_soup(words):
    text = " ".join(words)
    ms = places.find_places(text)
    ends = [m.end for m in ms]
    starts = [m.start for m in ms]
    assert all(s >= e for s, e in zip(starts[1:], ends[:-1], strict=False))
    assert places.same_place_text(text, text) or not text.strip()


def test_a_capitalised_name_after_an_english_place_word_is_a_place_the_gazetteer_lacks():
    found = [(p.text, p.precision, p.place_id) for p in places.find_places(
        "Airstrikes killed 13 civilians in the village of Qaryat Example in the north.")]
    assert ("Qaryat Example", "village", None) in found
    # a lower-case word after it is not a name
    assert not any(p.text.startswith("the") for p in places.find_places("in the village of the north"))
