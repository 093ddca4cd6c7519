"""Evaluation: the extractor scored against gold figures (``python -m core.evaluation.evaluate``).

`gold` reads and checks a gold corpus; `scoring` matches predicted figures to gold ones and computes
the scores and the reliability table; `calibration` fits confidence per rule and kind
(``data/calibration.json``); `evaluate` runs the extractor, reports, and is the command line.

Beside the pipeline, not part of it: nothing in `core` imports it.

May import: `core.intake` (article headers), `core.extraction`.
"""
