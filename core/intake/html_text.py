"""HTML uploads (`core.intake.decode`): the declared charset, page metadata, and the article block
without scripts, styles, navigation and other page chrome.
"""

from __future__ import annotations

import codecs
import html
import logging
import re

from core.intake.uploads import _decode_text_bytes

log = logging.getLogger(__name__)
# ---------------------------------------------------------------------------------------------
# HTML

_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "footer", "form", "aside", "iframe", "svg",
    "button", "select", "textarea", "input", "menu", "dialog", "object", "embed", "canvas", "head",
)
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog"}
_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "blockquote", "pre", "table", "tr", "figcaption", "figure", "dd", "dt", "dl", "header", "address",
    "center", "hr",
)
_BLOCK_SET = frozenset(_BLOCK_TAGS)
_SPACES_RE = re.compile(r"[^\S\t\n]+")
_TAB_RE = re.compile(r" ?\t[\t ]*")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _html_charset(data: bytes) -> str | None:
    m = _META_CHARSET_RE.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    # Old Arabic sites often declare Latin-1 while serving cp1256: let detection decide for those.
    if name in ("latin-1", "iso8859-1", "cp1252", "ascii", "us-ascii", "windows-1252"):
        return None
    return name


def _html_meta(soup) -> dict[str, str]:  # noqa: ANN001 - bs4 types are not worth importing here
    meta: dict[str, str] = {}

    def put(key: str, value: str | None) -> None:
        value = " ".join((value or "").split())
        if value and key not in meta:
            meta[key] = value

    if soup.title is not None:
        put("title", soup.title.get_text())
    for tag in soup.find_all("meta"):
        name = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        content = tag.get("content")
        if not isinstance(content, str) or not isinstance(name, str):
            continue
        if name in ("og:title", "twitter:title"):
            put("title", content)
        elif name in ("og:site_name", "application-name"):
            put("outlet", content)
        elif name in ("og:url",):
            put("url", content)
        elif name in ("article:published_time", "datepublished", "date", "pubdate", "publishdate",
                      "dc.date.issued", "dc.date", "sailthru.date", "parsely-pub-date"):
            m = _ISO_DATE_RE.match(content.strip())
            if m:
                put("date", m.group(0))
    link = soup.find("link", rel="canonical")
    if link is not None and isinstance(link.get("href"), str):
        put("url", link["href"])
    root = soup.find("html")
    if root is not None and isinstance(root.get("lang"), str):
        put("lang", root["lang"].strip().lower()[:2])
    return meta


def _prune_page_chrome(soup) -> None:  # noqa: ANN001
    """Remove scripts, styles, navigation, page header/footer, forms, asides and hidden parts.

    An explicit stack rather than recursion (hostile pages nest thousands deep), and each removed
    subtree is never visited again, so the work stays linear in the size of the page.
    """
    from bs4.element import Tag

    stack = [(soup, False)]
    while stack:
        node, in_article = stack.pop()
        for child in list(node.children):
            if not isinstance(child, Tag):
                continue
            name = child.name
            role = child.get("role")
            if (
                name in _DROP_TAGS
                # A page header is chrome; an article's own header holds its headline: keep that one.
                or (name == "header" and not in_article)
                or (isinstance(role, str) and role.lower() in _DROP_ROLES)
                or child.has_attr("hidden")
            ):
                child.decompose()
                continue
            stack.append((child, in_article or name == "article"))


def _text_lengths(root) -> dict[int, int]:  # noqa: ANN001
    """Length of the visible text under every element of ``root`` (by ``id``), in one pass."""
    from bs4.element import CData, NavigableString, Tag

    lengths: dict[int, int] = {}
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            total = 0
            for child in node.children:
                if isinstance(child, Tag):
                    total += lengths.get(id(child), 0)
                elif type(child) in (NavigableString, CData):
                    total += len(" ".join(child.split()))
            lengths[id(node)] = total
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in node.children if isinstance(child, Tag))
    return lengths


def _html_container(soup):  # noqa: ANN001, ANN202
    """The element holding the article: the longest <article>, else the biggest block of <p>s.

    A paragraph's text counts fully for its parent and half for its grandparent, so an article
    split into several <div>s of paragraphs is still taken whole.
    """
    lengths = _text_lengths(soup)
    scores: dict[int, float] = {}
    nodes: dict[int, object] = {}
    for p in soup.find_all("p"):
        length = lengths.get(id(p), 0)
        parent = p.parent
        if not length or parent is None:
            continue
        scores[id(parent)] = scores.get(id(parent), 0.0) + length
        nodes[id(parent)] = parent
        grand = parent.parent
        if grand is not None:
            scores[id(grand)] = scores.get(id(grand), 0.0) + length / 2
            nodes[id(grand)] = grand
    best_p = nodes[max(scores, key=scores.__getitem__)] if scores else None
    best_p_len = max(scores.values()) if scores else 0.0
    articles = soup.find_all("article")
    if articles:
        best_article = max(articles, key=lambda a: lengths.get(id(a), 0))
        if lengths.get(id(best_article), 0) >= 0.5 * best_p_len:
            return best_article
    if best_p is not None:
        return best_p
    return soup.body or soup


def _html_block_text(container) -> str:  # noqa: ANN001
    """The text of ``container``, one line per block element, table cells separated by tabs.

    One pass over the tree (no insertions, which are quadratic in bs4): a string starts a new line
    when its nearest block ancestor differs from the previous string's.
    """
    from bs4.element import CData, NavigableString, Tag

    unit_of: dict[int, object] = {}

    def unit(node):  # noqa: ANN001, ANN202 - nearest block or table cell, iterative and memoised
        path = []
        cur = node
        while cur is not None and id(cur) not in unit_of:
            if cur is container or cur.name in _BLOCK_SET or cur.name in ("td", "th"):
                unit_of[id(cur)] = cur
                break
            path.append(cur)
            cur = cur.parent
        found = unit_of[id(cur)] if cur is not None else container
        for n in path:
            unit_of[id(n)] = found
        return found

    out: list[str] = []
    last = None
    for node in container.descendants:
        if isinstance(node, Tag):
            if node.name == "br":
                out.append("\n")
            continue
        if type(node) not in (NavigableString, CData) or node.parent is None:
            continue
        current = unit(node.parent)
        if current is not last:
            same_row = (
                last is not None
                and getattr(current, "name", None) in ("td", "th")
                and getattr(last, "name", None) in ("td", "th")
                and current.parent is last.parent
            )
            out.append("\t" if same_row else "\n")
            last = current
        out.append(str(node))
    lines = (_squash_spaces(line) for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def _squash_spaces(line: str) -> str:
    """Runs of spaces as one space, tabs (cell separators) kept, no space at either end."""
    line = _SPACES_RE.sub(" ", line)
    return _TAB_RE.sub("\t", line).strip(" \t")


def _html_to_text(text: str) -> tuple[str, dict[str, str]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "lxml")
    meta = _html_meta(soup)
    _prune_page_chrome(soup)
    container = _html_container(soup)
    body = _html_block_text(container)
    if container.name != "article":
        h1 = soup.find("h1")
        if h1 is not None and not any(p is container for p in h1.parents):
            headline = " ".join(h1.get_text(" ").split())
            if headline and headline not in body:
                body = headline + "\n" + body
    return body, meta


_RAW_TEXT_OPEN_RE = re.compile(r"<(script|style|noscript|template)\b", re.I)
_BLOCK_TAG_RE = re.compile(r"</?(?:p|div|br|li|h[1-6]|tr|section|article|blockquote)\b[^<>]*>", re.I)
_ANY_TAG_RE = re.compile(r"<!--.*?(?:-->|$)|<[^<>]*>", re.S)


def _drop_raw_text_elements(text: str) -> str:
    """Remove <script>/<style>/... elements with a forward scan (a regex with a back-reference is
    quadratic on pages full of unclosed tags)."""
    out: list[str] = []
    pos = 0
    lower = text.lower()
    while True:
        m = _RAW_TEXT_OPEN_RE.search(text, pos)
        if m is None:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos : m.start()])
        close = lower.find("</" + m.group(1).lower(), m.end())
        if close < 0:
            return "".join(out)
        end = text.find(">", close)
        pos = len(text) if end < 0 else end + 1


def _html_strip_plain(text: str) -> str:
    """Fallback when the HTML cannot be parsed into a tree (e.g. absurdly deep nesting)."""
    text = _drop_raw_text_elements(text)
    text = _BLOCK_TAG_RE.sub("\n", text)
    text = _ANY_TAG_RE.sub("", text)
    text = html.unescape(text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _decode_html(data: bytes, filename: str | None) -> tuple[str, dict[str, str], str]:
    text, encoding = _decode_text_bytes(data, filename, declared=_html_charset(data))
    text = text.lstrip("\ufeff")
    try:
        body, meta = _html_to_text(text)
    except RecursionError:
        log.debug("%s: HTML too deeply nested for the parser, using a plain tag strip", filename)
        body, meta = _html_strip_plain(text), {}
    except Exception as err:  # noqa: BLE001 - parser bugs on hostile input: fall back, never crash
        log.debug("%s: HTML parser failed (%s), using a plain tag strip", filename, err)
        body, meta = _html_strip_plain(text), {}
    return body, meta, encoding
