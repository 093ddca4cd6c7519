"""What the pages show, shaped from the stored data. No Streamlit here: pages draw, views shape.

`filters` (the sidebar's filters and their URL form), `counting` (the counting rule of the trend
chart), `trends` (labels, the chart, samples), `page_tables` (the tables pages show),
`article_view` (an article with its figures marked), `held` (figures held back from totals
until reviewed), `geo` (the map's data), `map_layers` (how the map is drawn), `export` (CSV, Parquet,
GeoJSON; ``python -m core.views.export``), `review_text` (a review in words), `upload_errors`
(upload errors in the interface language).

May import: `core.i18n`, `core.intake`, `core.incidents`, `core.storage`, `core.extraction`.
"""
