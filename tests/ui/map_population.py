"""The page population plus articles placed in the gazetteer, for the map's tests.

`populate_places` writes the shared page population (`tests/ui/population.py`: places as
written, no gazetteer id) and the articles below, placed the way the extractor places them. Our own
short Arabic sentences. Killed, all dates: points 20 (Mashlab 8, Badu 3, Tabqa 9), a
"district not stated" ring at Raqqa 6, and 11 more that cannot be drawn (countryside 4, al-Basil
without a coordinate 5, a village missing from the gazetteer 2), plus the 83 of the population.
"""

from __future__ import annotations

from core.incidents import aggregate
from core.storage.store import Store
from tests.ui import population as pop
from tests.ui.population import article, figure, populate

POINTS, RING, UNPLACED_OWN = 20, 6, 11
TOTAL = pop.TOTAL_KILLED + POINTS + RING + UNPLACED_OWN

M1 = "قتل 8 مدنيين في حي المشلب بالرقة. وقتل 3 أطفال في حارة البدو. وأكد المرصد مقتل 8 مدنيين."
M2 = "قتل 9 مقاتلين في مدينة الطبقة."
M3 = "قتل 6 مدنيين في الرقة. وقتل 4 مدنيين في ريف الرقة الشمالي."
M4 = "قتل 5 مدنيين في حي الباسل. وقتل 2 مدنيين في قرية فتاتيش."


def populate_places(store: Store) -> None:
    """The population of the page tests plus the placed articles of the module docstring."""
    populate(store)
    d = {"date": "2017-08-10"}
    m1 = [
        figure(M1, "f1", "8", 8, place="حي المشلب", place_id="nb-mashlab", place_precision="district",
               perpetrator="coalition", **d),
        figure(M1, "f2", "3", 3, group="children", place="حارة البدو", place_id="nb-badu",
               place_precision="district", perpetrator="regime", **d),
        figure(M1, "f3", "8", 8, nth=1, same_as="f1", place="حي المشلب", place_id="nb-mashlab",
               place_precision="district", **d),
    ]
    m2 = [figure(M2, "f1", "9", 9, group="fighters", side="sdf", perpetrator="sdf", date="2017-08-15",
                 place="مدينة الطبقة", place_id="sp-tabqa", place_precision="city")]
    m3 = [
        figure(M3, "f1", "6", 6, date="2017-08-21", place="الرقة", place_id="rq-city", place_precision="city"),
        figure(M3, "f2", "4", 4, date="2017-08-21", place="ريف الرقة الشمالي", place_id="rg-raqqa",
               place_precision="region"),
    ]
    m4 = [
        figure(M4, "f1", "5", 5, date="2017-08-22", place="حي الباسل", place_id="nb-basil", place_precision="district"),
        figure(M4, "f2", "2", 2, date="2017-08-22", place="قرية فتاتيش", place_precision="village"),
    ]
    store.add_articles([
        (article("m1", M1, "غارة على المشلب", "2017-08-11"), m1),
        (article("m2", M2, "معارك الطبقة", "2017-08-16"), m2),
        (article("m3", M3, "قصف الرقة وريفها", "2017-08-22"), m3),
        (article("m4", M4, "حصيلة يوم", "2017-08-23"), m4),
    ])
    aggregate.recompute(store)
