"""Tables the pages show: outlets by name, the figure a reader picked, highlight colours."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from core.extraction.extract import extract
from core.i18n import catalogue as i18n
from core.views import article_view, page_tables


def test_an_outlet_given_as_a_long_encoded_address_reads_as_its_domain():
    url = "https://www.enabbaladi.net/archives/%D8%A7%D9%84%D8%B1%D9%82%D8%A9-123"
    assert page_tables.outlet_name(url) == "enabbaladi.net"
    assert page_tables.outlet_name(None, url) == "enabbaladi.net"
    assert page_tables.outlet_name("Enab Baladi", url) == "Enab Baladi"
    assert page_tables.article_url(url) == url


def test_an_article_without_a_web_address_has_an_empty_web_page_cell_not_none():
    df = pd.DataFrame([{"id": "a1", "title": "t", "outlet": "Enab Baladi", "url": None,
                        "published": dt.date(2017, 8, 22), "figures": 1}])
    assert list(page_tables.articles_table(df)["Web page"]) == [""]


def test_the_article_list_links_the_web_page_and_names_the_outlet():
    df = pd.DataFrame([{"id": "a1", "title": "t", "outlet": "https://www.example.org/x?y=1", "url": None,
                        "published": dt.date(2017, 8, 22), "figures": 2}])
    table = page_tables.articles_table(df)
    assert list(table["Outlet"]) == ["example.org"]
    assert list(table["Web page"]) == ["https://www.example.org/x?y=1"]


def test_a_picked_row_gives_the_whole_sentence_and_the_article_link():
    rows = pd.DataFrame([{"article_id": "a1", "figure_id": "f2", "sentence": "قتل 27 مدنيا في قصف على حارة البدو."}])
    picked = page_tables.picked_figure(rows, [0])
    assert picked == {"sentence": "قتل 27 مدنيا في قصف على حارة البدو.", "link": "articles?article=a1&figure=f2"}
    assert page_tables.picked_figure(rows, []) is None


def test_highlights_agree_with_the_legend_toll_pink_and_vague_not_yellow():
    text = "قتل عشرات المدنيين في قصف على الرقة. ووثق المرصد السوري مقتل 125 مدنيا في الرقة خلال أسبوع."
    figs = extract(text, dt.date(2017, 8, 22))
    marks = {m.figure_id: m.classes for m in article_view.figure_marks(figs, None)}
    vague = next(f for f in figs if f.best is None)
    toll = next(f for f in figs if f.kind == "toll")
    assert "fig-not-counted" in marks[vague.id] and "fig-counted" not in marks[vague.id]
    assert "fig-toll" in marks[toll.id]
    css = article_view.ARTICLE_CSS  # the toll's pink is declared after the grey, so it wins
    assert css.index("mark.fig-toll") > css.index("mark.fig-not-counted")


def test_incident_column_widths_name_columns_of_the_incident_table_in_each_language():
    df = pd.DataFrame([{"id": "i1", "date": dt.date(2017, 8, 13), "place_id": "nb-mashlab", "place": "حي المشلب",
                        "perpetrator": "coalition", "best_civilians": 12, "min_civilians": 1, "max_civilians": 12,
                        "reports": 2, "sources": "sohr"}])
    for lang in ("en", "ar"):
        widths = page_tables.incident_widths(df, lang)
        columns = set(page_tables.incident_table(df, lang).columns)
        assert set(widths) <= columns and i18n.t("col.sources", lang) in widths
