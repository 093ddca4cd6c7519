"""The database schema: the tables of `core.storage.store` (``articles``, ``figures``, ``reviews``,
``places``, the derived incident tables) and the column order of ``figures``.
"""

from __future__ import annotations

import re

from core.extraction.figure import figure_field_names

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id                VARCHAR PRIMARY KEY,   -- sha256 of the normalised text
    title             VARCHAR,
    outlet            VARCHAR,
    url               VARCHAR,
    published         DATE,
    published_source  VARCHAR,               -- 'header' | 'user' | 'inferred' | NULL
    lang              VARCHAR,
    text              VARCHAR NOT NULL,
    filename          VARCHAR,
    format            VARCHAR,               -- txt | html | docx | pdf | pasted
    encoding          VARCHAR,
    content_sha256    VARCHAR,               -- hash of the uploaded bytes
    added_at          TIMESTAMP NOT NULL,
    extractor_version VARCHAR
);

CREATE TABLE IF NOT EXISTS figures (
    article_id        VARCHAR NOT NULL,
    id                VARCHAR NOT NULL,      -- f1, f2 ... within the article
    start             INTEGER NOT NULL,      -- span of the number in articles.text
    "end"             INTEGER NOT NULL,
    number_text       VARCHAR NOT NULL,
    sentence          VARCHAR NOT NULL,
    sentence_start    INTEGER NOT NULL,
    min               BIGINT,
    best              BIGINT,
    max               BIGINT,
    status            VARCHAR NOT NULL,      -- killed | injured | killed_or_injured
    "group"           VARCHAR NOT NULL,      -- civilians | children | women | fighters | people
    kind              VARCHAR NOT NULL,      -- incident | toll | superseded
    vague             BOOLEAN NOT NULL,
    qualifier         VARCHAR,
    side              VARCHAR,
    part_of           VARCHAR,
    same_as           VARCHAR,
    perpetrator       VARCHAR,
    source            VARCHAR,
    date              VARCHAR,               -- YYYY-MM-DD | YYYY-MM | YYYY
    date_precision    VARCHAR,               -- day | month | year
    date_from         VARCHAR,
    place             VARCHAR,               -- as written
    place_id          VARCHAR,               -- gazetteer id
    place_precision   VARCHAR,
    group_text        VARCHAR,
    group_span        INTEGER[],
    perpetrator_text  VARCHAR,
    perpetrator_span  INTEGER[],
    source_text       VARCHAR,
    source_span       INTEGER[],
    date_text         VARCHAR,
    date_span         INTEGER[],
    place_span        INTEGER[],
    confidence        DOUBLE NOT NULL,
    rule_id           VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    lang              VARCHAR NOT NULL,
    extra             VARCHAR,               -- JSON
    event_date        DATE,                  -- the day a trend chart files it under (derived)
    PRIMARY KEY (article_id, id)
);

CREATE TABLE IF NOT EXISTS reviews (
    review_id         VARCHAR PRIMARY KEY,
    article_id        VARCHAR NOT NULL,
    figure_id         VARCHAR,
    figure_start      INTEGER,
    figure_end        INTEGER,
    number_text       VARCHAR,
    action            VARCHAR NOT NULL,      -- confirm | correct | reject | note
    field             VARCHAR,
    old_value         VARCHAR,
    new_value         VARCHAR,
    note              VARCHAR,
    reviewer          VARCHAR NOT NULL,
    created_at        TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS incident_decisions (   -- append-only: journalists' merge/split decisions
    decision_id       VARCHAR PRIMARY KEY,
    article_a         VARCHAR NOT NULL,
    figure_a          VARCHAR,
    start_a           INTEGER NOT NULL,
    end_a             INTEGER NOT NULL,
    text_a            VARCHAR NOT NULL,
    article_b         VARCHAR NOT NULL,
    figure_b          VARCHAR,
    start_b           INTEGER NOT NULL,
    end_b             INTEGER NOT NULL,
    text_b            VARCHAR NOT NULL,
    action            VARCHAR NOT NULL,      -- merge | split
    who               VARCHAR NOT NULL,
    note              VARCHAR,
    created_at        TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS incidents (          -- derived: rebuilt by core.incidents.aggregate.recompute
    id                VARCHAR PRIMARY KEY,
    status            VARCHAR NOT NULL,
    date              DATE,
    place_id          VARCHAR,
    perpetrator       VARCHAR,
    articles          INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS incident_counts (
    incident_id       VARCHAR NOT NULL,
    "group"           VARCHAR NOT NULL,
    best              BIGINT,
    min               BIGINT,
    max               BIGINT,
    reports           INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS incident_corroboration (  -- derived: who counted, and how sure (core.incidents.corroboration)
    incident_id       VARCHAR NOT NULL,
    corroboration     VARCHAR NOT NULL,      -- single_source | corroborated | disputed (a reviewer's verdict wins)
    computed          VARCHAR NOT NULL,      -- the status the rule gives
    verdict           VARCHAR,               -- corroborated | disputed: a reviewer's, NULL: none
    passes            BOOLEAN NOT NULL,      -- passes the publication check
    origins           VARCHAR NOT NULL,      -- JSON: [[origin, best, perpetrator, articles], ...]
    unattributed      INTEGER NOT NULL       -- articles with a count that names no origin
);

CREATE TABLE IF NOT EXISTS incident_reports (
    incident_id       VARCHAR NOT NULL,
    article_id        VARCHAR NOT NULL,
    figure_id         VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS incident_state (     -- the data_version the incident tables were computed for
    version           VARCHAR
);

CREATE SEQUENCE IF NOT EXISTS regroup_seq;

CREATE TABLE IF NOT EXISTS regroup_owed (       -- articles whose figures, reviews or decisions changed since
    n                 BIGINT DEFAULT nextval('regroup_seq'),   -- the incidents were last regrouped
    article_id        VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS incident_index (     -- derived: every report as the grouping saw it, and where it went
    article_id        VARCHAR NOT NULL,         -- (core.incidents.incremental regroups from it)
    figure_id         VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,
    "group"           VARCHAR NOT NULL,
    best              BIGINT,
    min               BIGINT,
    max               BIGINT,
    kind              VARCHAR NOT NULL,
    day               DATE,                     -- the report's event day
    date_inferred     BOOLEAN NOT NULL,
    place_id          VARCHAR,
    perpetrator       VARCHAR,
    source            VARCHAR,
    published         DATE,
    parts             VARCHAR,                  -- JSON: group -> [min, best, max]
    earlier           VARCHAR,                  -- JSON: the article's own earlier counts
    seed              VARCHAR NOT NULL,         -- the merged group it was taken up with (its first report)
    seed_day          DATE,                     -- the day the grouping took it up (NULL: its own incident)
    cluster           VARCHAR NOT NULL,         -- the cluster it joined (its first report), before splits
    pos               INTEGER NOT NULL,         -- its place in that cluster
    incident_id       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS incident_index_state (   -- a row once incident_index describes every report
    complete          BOOLEAN
);

CREATE TABLE IF NOT EXISTS held_figures (      -- derived: the figures held back until a reviewer confirms them
    article_id        VARCHAR NOT NULL,         -- (core.incidents.plausibility), as of the last regrouping
    figure_id         VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS held_figures_state ( -- a row once held_figures describes every figure
    complete          BOOLEAN
);

CREATE TABLE IF NOT EXISTS incident_rows (     -- derived: what trends, map and filters read of each incident,
    role              INTEGER NOT NULL,         -- one row per incident and counted group (0: a group its reports
    status            VARCHAR NOT NULL,         -- are about, 1: an "of which" breakdown), written with the
    series            VARCHAR NOT NULL,         -- incidents at every regrouping
    "group"           VARCHAR,                  -- (core.storage.incident_queries.ROWS_COLUMNS)
    count_group       VARCHAR NOT NULL,
    perpetrator       VARCHAR,
    place_id          VARCHAR,
    place             VARCHAR,                  -- a place as written by a report
    source            VARCHAR,                  -- every report's source, joined by SOURCE_SEP
    best              BIGINT,
    low               BIGINT,
    high              BIGINT,
    event_date        DATE,
    incident_id       VARCHAR NOT NULL,
    article_id        VARCHAR,                  -- its first report
    figure_id         VARCHAR,
    articles          INTEGER,
    corroboration     VARCHAR,
    passes            BOOLEAN,
    by_article        VARCHAR,                  -- role 0: the report that gave its count (the latest with
    by_figure         VARCHAR                   -- that number), whose sentence the map shows
);

CREATE TABLE IF NOT EXISTS incident_rows_state ( -- a row once incident_rows describes every incident
    complete          BOOLEAN
);

-- Who did what (issue 20): the signed-in editor recorded with each article, review and decision
-- (NULL where nobody was signed in: a dashboard without sign-in, the command line, older rows).
ALTER TABLE articles ADD COLUMN IF NOT EXISTS added_by VARCHAR;           -- the editor's name
ALTER TABLE articles ADD COLUMN IF NOT EXISTS added_by_account VARCHAR;   -- e-mail or OpenID subject
ALTER TABLE reviews ADD COLUMN IF NOT EXISTS account VARCHAR;             -- the reviewer's account
ALTER TABLE incident_decisions ADD COLUMN IF NOT EXISTS account VARCHAR;  -- the decider's account

CREATE TABLE IF NOT EXISTS places (
    id                VARCHAR PRIMARY KEY,
    name_ar           VARCHAR,
    name_en           VARCHAR,
    lat               DOUBLE,
    lon               DOUBLE,
    precision         VARCHAR,
    coord_precision   VARCHAR,
    parent            VARCHAR,
    source            VARCHAR
);
"""

def lake_schema() -> str:
    """`SCHEMA` as a DuckLake lake takes it: the same tables and columns, without what DuckLake has not
    (primary keys, indexes, sequences: ``regroup_owed.n`` is set by the writer, see `core.storage.store.owe_regroup`),
    plus ``write_turn``, the one row every write transaction bumps so that writers take turns."""
    sql = re.sub(r",\s*PRIMARY KEY \([^)]*\)", "", SCHEMA)
    sql = re.sub(r"\s+PRIMARY KEY", "", sql)
    sql = re.sub(r"CREATE SEQUENCE IF NOT EXISTS \w+;", "", sql)
    sql = re.sub(r"CREATE (UNIQUE )?INDEX [^;]*;", "", sql)  # a lake has no indexes
    sql = re.sub(r"\s+DEFAULT nextval\('\w+'\)", "", sql)
    return sql + "\nCREATE TABLE IF NOT EXISTS write_turn (n BIGINT NOT NULL);\n"


FIGURE_COLUMNS = ["article_id", *[n for n in figure_field_names() if n != "article_id"], "event_date"]
