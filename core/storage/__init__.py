"""The database: the one place with SQL, on a DuckDB file (the default) or a DuckLake lake.

`store` opens the database (a cursor per thread) and writes articles, figures and reviews in
transactions that take turns (`Store.write`); `backend` says where it lives (file, or a lake with a
SQLite or PostgreSQL catalog) and loads the lake extensions; `move` copies one database into another; `schema` holds the tables; `queries` the read-only SQL the pages use (and
`reviewed`, which answers them with reviewed values given the function that applies reviews);
`incident_queries` the SQL of incidents; `filter_sql` the sidebar's filters as SQL; `access` who may
write (the public read-only mode, the signed-in editor recorded with each write).

May import: `core.extraction` only (the `Figure` value, the gazetteer it copies into ``places``).
"""
