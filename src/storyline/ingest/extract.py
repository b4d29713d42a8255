"""HTML page → article text and metadata, by trafilatura and htmldate.

Main-text extraction is a solved problem with a public benchmark (see
`bench/extraction.py`), so we only choose the settings: comments out (tables stay: on
the benchmark, dropping them cost 0.6 points of recall and gained nothing), the
publication date as the page states it (`original_date`), and an explicit fallback to
the page's paragraphs when trafilatura finds no main text, recorded in `method`.
"""

from __future__ import annotations

from dataclasses import dataclass

import htmldate
import lxml.html
import trafilatura

from storyline.errors import EmptyInput, UnsupportedInput


@dataclass
class Page:
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    site: str | None = None
    url: str | None = None
    language: str | None = None
    method: str = "trafilatura"


def extract_html(html: str, url: str | None = None) -> Page:
    """The article in an HTML page; raises EmptyInput when the page holds no text."""
    if not html.strip():
        raise EmptyInput("empty HTML page")
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            date_extraction_params={"original_date": True, "extensive_search": True},
        )
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        doc = None
        failure = f"{type(exc).__name__}: {exc}"
    else:
        failure = None
    if doc is not None and (doc.text or "").strip():
        return Page(
            text=doc.text,
            title=doc.title or None,
            author=doc.author or None,
            published=doc.date or _date(html, url),
            site=doc.sitename or doc.hostname or None,
            url=doc.url or url,
            language=doc.language or None,
        )
    return _fallback(html, url, failure)


def _date(html: str, url: str | None) -> str | None:
    try:
        return htmldate.find_date(html, url=url, original_date=True)
    except Exception:  # htmldate is best effort; a page without a date is normal
        return None


def _fallback(html: str, url: str | None, failure: str | None) -> Page:
    """Paragraph text when trafilatura found none: short pages and odd markup."""
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise UnsupportedInput(f"not parseable as HTML ({exc})") from exc
    for bad in tree.xpath("//script|//style|//nav|//footer|//header|//aside|//form"):
        bad.drop_tree()
    paragraphs = [" ".join(p.text_content().split()) for p in tree.xpath("//p|//h1|//h2|//li")]
    text = "\n".join(p for p in paragraphs if p)
    if not text:
        text = " ".join(tree.text_content().split())
    if not text:
        reason = f" ({failure})" if failure else ""
        raise EmptyInput(f"no article text found in the HTML page{reason}")
    titles = tree.xpath("//title/text()")
    return Page(
        text=text,
        title=titles[0].strip() if titles else None,
        published=_date(html, url),
        url=url,
        method="fallback-paragraphs",
    )
