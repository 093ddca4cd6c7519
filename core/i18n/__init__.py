"""The interface language: the words the dashboard shows, looked up in ``data/i18n/``.

`catalogue` holds the catalogues, locale tags, messages, labels of data keys, numbers and dates;
`charts` writes Plotly figures in the interface language (right-to-left text, digits, months).

May import: `core.extraction` (the lexicons and the gazetteer's place names).
"""
