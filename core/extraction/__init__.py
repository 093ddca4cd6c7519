"""Figures: from an article's text to `Figure` values. The bottom of the pipeline.

Text is normalised with offsets back to the original (`normalize`), matched against the word lists
of ``data/lexicon/`` (`lexicon`, `tokens`); numbers (`numbers`, `number_words`), dates (`dates`,
`date_grammar`, `date_parser`) and places (`places`, `gazetteer`) are read; the extractor's rules
(`context`, `candidates` with `lone_nouns`, `links`, `attributes` with `perpetrators`, run in order by
`extract`) turn them into `Figure` values (`figure`).

May import: nothing else in `core` (only the standard library, third-party packages and ``data/``).
"""
