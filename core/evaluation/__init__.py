"""Evaluation: the extractor scored against gold figures (``python -m core.evaluation.evaluate``).

Beside the pipeline, not part of it: nothing in `core` imports it.

May import: `core.intake` (article headers), `core.extraction`.
"""
