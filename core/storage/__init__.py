"""The database: the one place with SQL. A second backend (DuckLake) would live here.

`store` opens the DuckDB file (one process, a cursor per thread) and writes articles, figures and
reviews in transactions; `schema` holds the tables; `queries` the read-only SQL the pages use (and
`reviewed`, which answers them with reviewed values given the function that applies reviews);
`incident_queries` the SQL of incidents; `filter_sql` the sidebar's filters as SQL; `access` who may
write (the public read-only mode, the signed-in editor recorded with each write).

May import: `core.extraction` only (the `Figure` value, the gazetteer it copies into ``places``).
"""
