"""The article view: an article's text as HTML with its figures and their evidence marked.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.i18n import catalogue as i18n


# ---- the article view ----------------------------------------------------------------------------
def anchor_id(figure_id: str) -> str:
    """A safe HTML id for a figure's mark in the article view (``fig-f3``)."""
    safe = "".join(c for c in str(figure_id) if c.isascii() and (c.isalnum() or c in "-_"))
    return f"fig-{safe}"


@dataclass(frozen=True)
class Mark:
    """A stretch of article text to highlight: a figure's number (or, `sentence`, its sentence)."""

    start: int
    end: int
    figure_id: str
    title: str = ""
    selected: bool = False
    sentence: bool = False
    classes: tuple[str, ...] = field(default=())


def figure_marks(figures: Iterable[Any], selected: str | None, lang: str = i18n.DEFAULT_LANG) -> list[Mark]:
    """Marks for the numbers of `figures` (objects with Figure's fields) and the selected sentence."""
    marks = []
    for f in figures:
        # as the figures table says "added up": a vague number («عشرات») is not, and is grey
        counted = f.kind == "incident" and f.part_of is None and f.same_as is None and f.best is not None
        n = f.number_text if f.best is None else f.best
        tip = i18n.t(
            "article.mark_title", lang, n=n,
            group=i18n.label("group", f.group, lang, count=n), status=i18n.label("status", f.status, lang, count=n),
            kind=i18n.label("kind", f.kind, lang),
        )
        cls = ["fig", f"fig-{f.kind}"] + (["fig-counted"] if counted else ["fig-not-counted"])
        marks.append(Mark(f.start, f.end, f.id, tip, f.id == selected, False, tuple(cls)))
        if f.id == selected and f.sentence:
            marks.append(Mark(f.sentence_start, f.sentence_start + len(f.sentence), f.id, "", True, True))
    return marks


ARTICLE_CSS = """
.article-text { white-space: pre-wrap; line-height: 2; font-size: 1.08rem; unicode-bidi: plaintext;
  padding: 0.5rem 1rem; border: 1px solid rgba(128,128,128,.3); border-radius: .5rem; max-height: 70vh; overflow-y: auto; }
.article-text mark.fig { background: #ffe08a; color: inherit; padding: 0 .15em; border-radius: .2em; }
.article-text mark.fig-not-counted { background: #e3e3e3; }
.article-text mark.fig-toll { background: #f7c6c0; }
.article-text mark.selected { outline: 3px solid #d62728; background: #ffb347; }
.article-text span.selected-sentence { background: rgba(255, 179, 71, .25); }
"""


def article_html(text: str, marks: Sequence[Mark], lang: str | None = "ar") -> str:
    """The article as HTML: every character escaped, marks wrapped around their stretches.

    The text is untrusted (an upload may contain ``<script>``): nothing from it is ever
    interpreted as markup. Marks that fall outside the text are ignored."""
    n = len(text)
    valid = [m for m in marks if 0 <= m.start < m.end <= n]
    cuts = sorted({0, n, *(m.start for m in valid), *(m.end for m in valid)})
    out = []
    first_piece: set[str] = set()
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = html.escape(text[a:b], quote=False)
        for m in sorted((m for m in valid if m.start <= a and b <= m.end and not m.sentence), key=lambda m: m.end - m.start):
            cls = " ".join((*m.classes, "selected") if m.selected else m.classes)
            attrs = f' class="{html.escape(cls)}" title="{html.escape(m.title)}" data-figure="{html.escape(m.figure_id)}"'
            if m.figure_id not in first_piece:
                attrs = f' id="{anchor_id(m.figure_id)}"' + attrs
                first_piece.add(m.figure_id)
            piece = f"<mark{attrs}>{piece}</mark>"
        opens = sum(1 for m in valid if m.sentence and m.start == a)
        closes = sum(1 for m in valid if m.sentence and m.end == b)
        out.append('<span class="selected-sentence">' * opens + piece + "</span>" * closes)
    direction = "rtl" if (lang or "").startswith("ar") else "auto"
    return (
        f"<style>{ARTICLE_CSS}</style>"
        f'<div class="article-text" dir="{direction}" lang="{html.escape(lang or "")}">{"".join(out)}</div>'
    )


def scroll_script(figure_id: str) -> str:
    """A small script that scrolls the article view to a figure's mark (our code only, no user text)."""
    target = json.dumps(anchor_id(figure_id))
    return (
        "<script>(function(){var n=0;function go(){var d=window.parent&&window.parent.document||document;"
        f"var el=document.getElementById({target})||d.getElementById({target});"
        "if(el){el.scrollIntoView({block:'center'});}else if(n++<40){setTimeout(go,100);}}go();})();</script>"
    )
