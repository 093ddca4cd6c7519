"""The evaluation command's scorer, on tiny made-up corpora written to ``tmp_path``.

Every sentence here is invented for these tests. Predictions are either hand-made dicts or
`Figure` objects returned by a fake extractor, so the scores do not depend on the real extractor.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.evaluation import evaluate
from core.evaluation.evaluate import EvaluationError
from core.extraction.figure import Figure

BODY_A = "قتل خمسة مدنيين في قصف على حارة البدو. وفي حادث آخر قتل خمسة مدنيين بقذيفة."
BODY_B = "أسفر القصف عن مقتل 12 مدنيا بينهم 4 أطفال. وارتفعت الحصيلة إلى 30 قتيلا هذا الأسبوع."
BODY_EMPTY = "افتتح المعرض الدولي للكتاب بمشاركة 300 دار نشر."


def gold(article: str, fid: str, quote: str, number_text: str, best: int | None, **kw: Any) -> dict[str, Any]:
    line = {
        "article": article, "id": fid, "quote": quote, "number_text": number_text,
        "min": best, "best": best, "max": best, "vague": False, "status": "killed", "group": "civilians",
        "side": None, "kind": "incident", "part_of": None, "same_as": None, "date": None, "date_from": None,
        "place": None, "perpetrator": None, "source": None,
    }
    line.update(kw)
    return line


def pred(fid: str, best: int | None, body: str = "", number_text: str = "", occurrence: int = 0, **kw: Any) -> dict:
    """A predicted figure dict; its span is the ``occurrence``-th ``number_text`` in ``body``."""
    start = -1
    for _ in range(occurrence + 1):
        start = body.find(number_text, start + 1)
    d = {
        "id": fid, "best": best, "min": best, "max": best, "vague": False, "status": "killed",
        "group": "civilians", "kind": "incident", "part_of": None, "same_as": None, "date": None,
        "place": None, "perpetrator": None, "number_text": number_text,
        "start": start if number_text else None, "end": start + len(number_text) if number_text else None,
    }
    d.update(kw)
    return d


def write_corpus(root: Path, articles: dict[str, str], lines: list[dict[str, Any]], published: str | None = "2017-08-22") -> Path:
    (root / "articles").mkdir(parents=True)
    meta = []
    for name, body in articles.items():
        (root / "articles" / name).write_text(f"source: test\ndate: 2017-08-22\n\n{body}", encoding="utf-8")
        meta.append({"article": name, "published": published, "lang": "ar"})
    with (root / "gold.jsonl").open("w", encoding="utf-8") as fh:
        for obj in meta + lines:
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return root


def one_article(tmp_path: Path, body: str, lines: list[dict[str, Any]]) -> evaluate.Corpus:
    return evaluate.load_corpus(write_corpus(tmp_path / "c", {"a.txt": body}, lines))


# ---- figure matching ---------------------------------------------------------------------------
def test_exact_prediction_matches_gold_figure(tmp_path):
    corpus = one_article(tmp_path, BODY_B, [gold("a.txt", "f1", "مقتل 12 مدنيا", "12", 12)])
    s = evaluate.score(corpus, {"a.txt": [pred("p1", 12, BODY_B, "12")]})
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert s.details[0].pairs[0].matched_by == "quote"


def test_wrong_number_or_status_is_a_miss_and_a_false_figure(tmp_path):
    corpus = one_article(tmp_path, BODY_B, [gold("a.txt", "f1", "مقتل 12 مدنيا", "12", 12)])
    s = evaluate.score(corpus, {"a.txt": [pred("p1", 13, BODY_B, "12"), pred("p2", 12, BODY_B, "12", status="injured")]})
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)
    assert [g["id"] for g in s.details[0].misses] == ["f1"]
    assert [p["id"] for p in s.details[0].false_figures] == ["p1", "p2"]


def test_vague_gold_matches_vague_prediction_or_number_inside_its_range(tmp_path):
    body = "قتل عشرات المدنيين في القصف، وجرح العشرات."
    lines = [
        gold("a.txt", "f1", "قتل عشرات المدنيين", "عشرات", None, min=None, max=None, vague=True),
        gold("a.txt", "f2", "وجرح العشرات", "العشرات", None, min=20, max=99, vague=True, status="injured"),
    ]
    corpus = one_article(tmp_path, body, lines)
    vague_pred = pred("p1", None, body, "عشرات", vague=True)
    assert evaluate.score(corpus, {"a.txt": [vague_pred]}).recall == 0.5
    in_range = pred("p2", 30, body, "العشرات", status="injured")
    assert evaluate.score(corpus, {"a.txt": [vague_pred, in_range]}).recall == 1.0
    # a number against vague gold without a range, or outside the range, is no match
    assert evaluate.score(corpus, {"a.txt": [pred("p3", 30, body, "عشرات")]}).recall == 0.0
    assert evaluate.score(corpus, {"a.txt": [pred("p4", 120, body, "العشرات", status="injured")]}).recall == 0.0


def test_people_prediction_matches_civilians_gold_but_strict_group_accuracy_counts_it_wrong(tmp_path):
    corpus = one_article(tmp_path, BODY_B, [gold("a.txt", "f1", "مقتل 12 مدنيا", "12", 12)])
    s = evaluate.score(corpus, {"a.txt": [pred("p1", 12, BODY_B, "12", group="people")]})
    assert s.recall == 1.0 and s.details[0].pairs[0].matched_by == "compatible"
    assert s.group_accuracy == 0.0
    assert ("f1", "p1", "group", "people", "civilians") in s.details[0].mismatches


def test_children_prediction_does_not_match_civilians_gold(tmp_path):
    corpus = one_article(tmp_path, BODY_B, [gold("a.txt", "f1", "مقتل 12 مدنيا", "12", 12)])
    s = evaluate.score(corpus, {"a.txt": [pred("p1", 12, BODY_B, "12", group="children")]})
    assert s.recall == 0.0


def test_two_predictions_of_one_gold_figure_count_once(tmp_path):
    corpus = one_article(tmp_path, BODY_B, [gold("a.txt", "f1", "مقتل 12 مدنيا", "12", 12)])
    s = evaluate.score(corpus, {"a.txt": [pred("p1", 12, BODY_B, "12"), pred("p2", 12, BODY_B, "12")]})
    assert (s.matched, s.precision, s.recall) == (1, 0.5, 1.0)
    assert round(s.f1, 4) == 0.6667


def test_prediction_inside_a_gold_quote_goes_to_that_gold_figure_first(tmp_path):
    # two gold figures with the same number; the only prediction sits in the second one's quote
    lines = [
        gold("a.txt", "f1", "قتل خمسة مدنيين في قصف على حارة البدو", "خمسة", 5, perpetrator="regime"),
        gold("a.txt", "f2", "قتل خمسة مدنيين بقذيفة", "خمسة", 5, perpetrator="unknown"),
    ]
    corpus = one_article(tmp_path, BODY_A, lines)
    p = pred("p1", 5, BODY_A, "خمسة", occurrence=1, perpetrator="unknown")
    s = evaluate.score(corpus, {"a.txt": [p]})
    pair = s.details[0].pairs[0]
    assert (pair.gold["id"], pair.matched_by) == ("f2", "quote")
    assert s.perpetrator_accuracy == 1.0
    assert [g["id"] for g in s.details[0].misses] == ["f1"]


def test_same_group_match_is_preferred_over_compatible_group(tmp_path):
    lines = [gold("a.txt", "f1", "قتل خمسة مدنيين بقذيفة", "خمسة", 5)]
    corpus = one_article(tmp_path, BODY_A, lines)
    people_in_quote = pred("p1", 5, BODY_A, "خمسة", occurrence=1, group="people")
    civilians_elsewhere = pred("p2", 5, BODY_A, "خمسة", occurrence=0)
    s = evaluate.score(corpus, {"a.txt": [people_in_quote, civilians_elsewhere]})
    pair = s.details[0].pairs[0]
    assert (pair.pred["id"], pair.matched_by) == ("p2", "group")


# ---- countable totals --------------------------------------------------------------------------
def _total_lines() -> list[dict[str, Any]]:
    return [
        gold("b.txt", "f1", "مقتل 12 مدنيا بينهم 4 أطفال", "12", 12),
        gold("b.txt", "f2", "مقتل 12 مدنيا بينهم 4 أطفال", "4", 4, group="children", part_of="f1"),
        gold("b.txt", "f3", "وارتفعت الحصيلة إلى 30 قتيلا هذا الأسبوع", "30", 30, group="people", kind="toll"),
    ]


def test_countable_total_skips_breakdowns_repeats_tolls_and_injured(tmp_path):
    corpus = evaluate.load_corpus(write_corpus(tmp_path / "c", {"b.txt": BODY_B, "e.txt": BODY_EMPTY}, _total_lines()))
    linked = [
        pred("p1", 12, BODY_B, "12"),
        pred("p2", 4, BODY_B, "4", group="children", part_of="p1"),
        pred("p3", 30, BODY_B, "30", group="people", kind="toll"),
        pred("p4", 12, BODY_B, "12", same_as="p1"),
        pred("p5", 9, BODY_B, "12", status="injured"),
    ]
    s = evaluate.score(corpus, {"b.txt": linked})
    assert s.details[0].gold_total == s.details[0].predicted_total == 12
    assert s.countable_total_exact == 1.0  # the article without figures counts too: 0 == 0

    unlinked = [dict(p, part_of=None) for p in linked[:3]]  # the 4 children added to the 12
    s = evaluate.score(corpus, {"b.txt": unlinked})
    assert s.details[0].predicted_total == 16
    assert s.countable_total_exact == 0.5


def test_countable_total_agrees_with_figure_countable():
    figs = [
        Figure(id="f1", start=0, end=2, number_text="12", sentence="", sentence_start=0, min=12, best=12, max=12,
               status="killed", group="civilians"),
        Figure(id="f2", start=0, end=2, number_text="4", sentence="", sentence_start=0, min=4, best=4, max=4,
               status="killed", group="children", part_of="f1"),
    ]
    expected = sum(f.best for f in figs if f.countable)
    assert evaluate.countable_total([f.to_dict() for f in figs]) == expected == 12


# ---- attributes --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("gold_date", "pred_date", "ok"),
    [
        ("2017-08", "2017-08-20", True),
        ("2017", "2017-08-20", True),
        ("2017-08-20", "2017-08-20", True),
        ("2017-08", "2017-09-01", False),
        ("2017-08-20", "2017-08", False),
        ("2017-08", None, False),
        ("2017-0", "2017-08-20", False),
    ],
)
def test_gold_month_or_year_matches_a_predicted_date_inside_it(gold_date, pred_date, ok):
    assert evaluate.date_matches(pred_date, gold_date) is ok


def test_date_and_place_accuracy_count_only_pairs_whose_gold_value_is_set(tmp_path):
    lines = [
        gold("a.txt", "f1", "قتل خمسة مدنيين في قصف على حارة البدو", "خمسة", 5, date="2017-08", place="حارة البدو"),
        gold("a.txt", "f2", "قتل خمسة مدنيين بقذيفة", "خمسة", 5),
    ]
    corpus = one_article(tmp_path, BODY_A, lines)
    preds = [
        pred("p1", 5, BODY_A, "خمسة", 0, date="2017-08-20", place="البدو"),
        pred("p2", 5, BODY_A, "خمسة", 1, date="2016-01-01", place="حلب"),
    ]
    s = evaluate.score(corpus, {"a.txt": preds})
    assert s.counts["date_accuracy"] == (1, 1) and s.date_accuracy == 1.0
    assert s.counts["place_accuracy"] == (1, 1)


@pytest.mark.parametrize(
    ("pred_place", "gold_place", "same"),
    [
        ("البدو", "حارة البدو", True),
        ("حي البدو", "حارة البدو", True),
        ("مدينة الرقة", "الرقة", True),
        ("بالرقة", "الرقة", True),
        ("والرقة", "مدينة الرقة", True),
        ("الرقة", "دير الزور", False),
        ("حلب", "الرقة", False),
        (None, "الرقة", False),
    ],
)
def test_place_ignores_prefix_words_and_glued_particles(pred_place, gold_place, same):
    assert evaluate.same_place(pred_place, gold_place) is same


# ---- negatives and output ----------------------------------------------------------------------
def test_figures_on_articles_without_gold_figures_count_as_negatives(tmp_path):
    corpus = evaluate.load_corpus(
        write_corpus(tmp_path / "c", {"b.txt": BODY_B, "e.txt": BODY_EMPTY}, _total_lines())
    )
    s = evaluate.score(corpus, {"e.txt": [pred("p1", 300, BODY_EMPTY, "300")], "b.txt": [pred("p1", 99)]})
    assert s.negative_figures == 1
    assert s.predicted_figures == 2 and s.precision == 0.0


def _fake_extractor(figures_by_body: dict[str, list[Figure]]):
    calls = []

    def run(text, published=None, lang=None):
        calls.append((published, lang))
        return figures_by_body.get(text, [])

    run.calls = calls
    return run


def _figure(fid: str, body: str, number_text: str, best: int, **kw: Any) -> Figure:
    start = body.index(number_text)
    return Figure(
        id=fid, start=start, end=start + len(number_text), number_text=number_text, sentence=body.split(".")[0],
        sentence_start=0, min=best, best=best, max=best, status=kw.pop("status", "killed"),
        group=kw.pop("group", "civilians"), rule_id="test-rule", **kw,
    )


@pytest.fixture()
def small_corpus(tmp_path, monkeypatch):
    root = write_corpus(tmp_path / "c", {"b.txt": BODY_B, "e.txt": BODY_EMPTY}, _total_lines())
    fake = _fake_extractor({
        BODY_B: [
            _figure("f1", BODY_B, "12", 12, date="2017-08-20", perpetrator="regime"),
            _figure("f2", BODY_B, "4", 4, group="children", part_of="f1"),
        ],
        BODY_EMPTY: [_figure("f1", BODY_EMPTY, "300", 300)],
    })
    monkeypatch.setattr(evaluate, "_default_extractor", lambda: fake)
    return root, fake


def test_evaluate_passes_metadata_date_and_language_to_the_extractor(small_corpus):
    import datetime as dt

    root, fake = small_corpus
    s = evaluate.evaluate(root)
    assert fake.calls == [(dt.date(2017, 8, 22), "ar")] * 2
    assert (s.matched, s.gold_figures, s.predicted_figures, s.negative_figures) == (2, 3, 3, 1)


def test_json_output_has_exactly_the_score_keys(small_corpus, capsys):
    root, _ = small_corpus
    assert evaluate.main([str(root), "--json", "--show-errors"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)  # one JSON object on stdout; the error list goes to stderr
    assert "MISS" in captured.err
    assert list(out) == list(evaluate.SCORE_KEYS)
    assert out["recall"] == 0.6667 and out["negative_figures"] == 1
    assert out["place_accuracy"] is None  # no gold place set: no denominator


def test_files_option_scores_only_the_selected_articles(small_corpus, capsys):
    root, fake = small_corpus
    assert evaluate.main([str(root), "--json", "--files", "b.*"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["articles"] == 1 and out["negative_figures"] == 0 and out["recall"] == 0.6667
    assert evaluate.main([str(root), "--files", "z*.txt"]) == 2  # a selection that matches nothing


def test_predictions_file_scores_the_same_as_the_direct_run(small_corpus, tmp_path, capsys):
    root, _ = small_corpus
    out_file = tmp_path / "pred.jsonl"
    assert evaluate.main([str(root), "--json", "--predictions", str(out_file)]) == 0
    direct = json.loads(capsys.readouterr().out)
    lines = [json.loads(x) for x in out_file.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3
    assert set(evaluate.GOLD_FIELDS) <= set(lines[0])
    assert lines[1]["part_of"] == "f1" and lines[1]["rule_id"] == "test-rule"
    again = evaluate.score_files(root, out_file)
    assert again.to_json_dict() == direct
    assert again.counts == evaluate.evaluate(root).counts


def test_show_errors_lists_misses_false_figures_mismatches_and_totals(small_corpus, capsys):
    root, _ = small_corpus
    assert evaluate.main([str(root), "--show-errors"]) == 0
    out = capsys.readouterr().out
    assert "precision" in out and "(2/3)" in out
    assert "MISS  f3 30" in out and "وارتفعت الحصيلة إلى 30" in out
    assert "FALSE f1 300" in out and "rule=test-rule" in out
    assert "perpetrator: predicted 'regime' vs gold None" in out
    assert "TOTAL countable predicted 300 vs gold 0" in out


# ---- loading gold ------------------------------------------------------------------------------
def test_article_header_is_not_part_of_the_body(tmp_path):
    corpus = one_article(tmp_path, BODY_B, [])
    art = corpus.articles["a.txt"]
    assert art.body == BODY_B and art.header["source"] == "test"
    assert art.published == "2017-08-22"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quote": "نص غير موجود في المقال"}, "a.txt f2: quote is not a substring"),
        ({"part_of": "f9"}, "a.txt f2: part_of 'f9' is not another figure"),
        ({"same_as": "f2"}, "a.txt f2: same_as 'f2' is not another figure"),
        ({"status": "dead"}, "a.txt f2: 'status' is 'dead'"),
        ({"id": "f1"}, "a.txt f1: duplicate id"),
    ],
)
def test_malformed_gold_fails_naming_article_and_figure(tmp_path, change, message):
    lines = [gold("a.txt", "f1", "مقتل 12 مدنيا", "12", 12), {**gold("a.txt", "f2", "بينهم 4 أطفال", "4", 4), **change}]
    with pytest.raises(EvaluationError, match=message):
        one_article(tmp_path, BODY_B, lines)


def test_gold_line_missing_a_field_fails_naming_it(tmp_path):
    line = gold("a.txt", "f1", "مقتل 12 مدنيا", "12", 12)
    del line["kind"]
    with pytest.raises(EvaluationError, match="a.txt f1: missing field 'kind'"):
        one_article(tmp_path, BODY_B, [line])


def test_article_file_without_metadata_line_fails(tmp_path):
    root = write_corpus(tmp_path / "c", {"a.txt": BODY_B}, [])
    (root / "articles" / "stray.txt").write_text(BODY_A, encoding="utf-8")
    with pytest.raises(EvaluationError, match="stray.txt: article file without a metadata line"):
        evaluate.load_corpus(root)


def test_predictions_for_an_unknown_article_are_refused(tmp_path):
    corpus = one_article(tmp_path, BODY_B, [])
    with pytest.raises(EvaluationError, match="zzz.txt"):
        evaluate.score(corpus, {"zzz.txt": [pred("p1", 1)]})


# ---- drafting gold -----------------------------------------------------------------------------
def test_drafted_gold_lines_load_as_gold_once_written(tmp_path):
    fake = _fake_extractor({BODY_B: [_figure("f1", BODY_B, "12", 12), _figure("f2", BODY_B, "4", 4, part_of="f1")]})
    lines = evaluate.draft_gold(BODY_B, "2017-08-22", article="a.txt", extractor=fake)
    assert [(x["id"], x["best"], x["part_of"]) for x in lines] == [("f1", 12, None), ("f2", 4, "f1")]
    assert all("DRAFT" in x["note"] and "test-rule" in x["note"] for x in lines)
    corpus = one_article(tmp_path, BODY_B, lines)  # every field present, quotes found, links resolve
    assert corpus.gold_count == 2


def test_draft_command_prints_one_gold_line_per_figure_of_an_article_file(tmp_path, monkeypatch, capsys):
    fake = _fake_extractor({BODY_B: [_figure("f1", BODY_B, "12", 12)]})
    monkeypatch.setattr(evaluate, "_default_extractor", lambda: fake)
    path = tmp_path / "new.txt"
    path.write_text(f"source: test\ndate: 2017-08-22\n\n{BODY_B}", encoding="utf-8")
    assert evaluate.main(["--draft", str(path)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(x["article"], x["id"], x["number_text"], x["quote"]) for x in lines] == [
        ("new.txt", "f1", "12", BODY_B.split(".")[0])
    ]
    assert str(fake.calls[0][0]) == "2017-08-22"


# ---- calibration -------------------------------------------------------------------------------
def _calibration_corpus(tmp_path: Path) -> tuple[evaluate.Corpus, list[dict[str, Any]]]:
    """Three gold figures; four predictions: two right at 0.9 (one with the wrong kind: not right),
    one right at 0.65 and one false at 0.6."""
    corpus = evaluate.load_corpus(write_corpus(tmp_path / "c", {"b.txt": BODY_B}, _total_lines()))
    preds = [
        pred("p1", 12, BODY_B, "12", confidence=0.9, rule_id="near-noun"),
        pred("p2", 4, BODY_B, "4", group="children", part_of="p1", confidence=0.65, rule_id="among"),
        pred("p3", 30, BODY_B, "30", group="people", kind="incident", confidence=0.9, rule_id="near-noun"),
        pred("p4", 9, BODY_B, "12", confidence=0.6, rule_id="total-no-noun"),
    ]
    return corpus, preds


def test_reliability_table_counts_a_figure_right_only_when_matched_with_its_kind(tmp_path):
    corpus, preds = _calibration_corpus(tmp_path)
    s = evaluate.score(corpus, {"b.txt": preds})
    filled = [(b.low, b.figures, b.correct) for b in s.reliability if b.figures]
    assert filled == [(0.6, 2, 1), (0.9, 2, 1)]
    # |0.5 - 0.625| * 2/4 + |0.5 - 0.9| * 2/4
    assert s.calibration_error == pytest.approx(0.0625 + 0.2)
    assert "expected calibration error  0.2625" in evaluate.format_reliability(s)


def test_calibration_error_is_zero_when_every_confidence_is_the_share_right():
    results = [({"confidence": 0.75}, ok) for ok in (True, True, True, False)]
    assert evaluate.calibration_error(evaluate.reliability(results)) == pytest.approx(0.0)
    assert evaluate.calibration_error(evaluate.reliability([])) is None


def test_calibration_table_smooths_each_rule_towards_the_overall_share(tmp_path):
    corpus, preds = _calibration_corpus(tmp_path)
    s = evaluate.score(corpus, {"b.txt": preds})
    table = evaluate.calibration_table(evaluate.outcomes(s.details), "tiny", strength=2)
    assert table["overall_share_correct"] == 0.5
    near = table["rules"]["near-noun"]
    assert (near["figures"], near["correct"], near["confidence"]) == (2, 1, 0.5)  # (1 + 2 * 0.5) / (2 + 2)
    assert near["kinds"]["incident"]["confidence"] == 0.5
    assert table["rules"]["total-no-noun"]["confidence"] == pytest.approx((0 + 1) / 3, abs=1e-4)
    assert table["rules"]["among"]["confidence"] == pytest.approx((1 + 1) / 3, abs=1e-4)


def test_calibrate_option_writes_the_file_the_extractor_reads(small_corpus, tmp_path, capsys):
    root, _ = small_corpus
    out = tmp_path / "calibration.json"
    assert evaluate.main([str(root), "--calibrate", str(out)]) == 0
    printed = capsys.readouterr()
    assert "expected calibration error" in printed.out and "wrote" in printed.err
    table = json.loads(out.read_text(encoding="utf-8"))
    assert set(table["rules"]) == {"test-rule"} and 0 < table["review_threshold"] <= 1


def test_json_output_carries_the_calibration_error(small_corpus, capsys):
    root, _ = small_corpus
    assert evaluate.main([str(root), "--json"]) == 0
    assert "calibration_error" in json.loads(capsys.readouterr().out)
