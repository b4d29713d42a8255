"""Inputs → ArticleInput records: files, folders, URLs, RSS/Atom feeds, JSON and JSONL.

Every input yields either articles or a `Skipped` with a reason a user can act on, never
an exception: one bad file in a folder of ten thousand must not stop the batch.  JSON
records are read in the shapes crawlers write (news-please, trafilatura), so a crawl
needs no conversion.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import feedparser
import lxml.html

from storyline.config import (
    FEED_SUFFIXES,
    HTML_SUFFIXES,
    JSON_SUFFIXES,
    MAX_FILE_BYTES,
    MAX_RECORD_CHARS,
    TEXT_SUFFIXES,
)
from storyline.errors import EmptyInput, InputError, UnsupportedInput
from storyline.ingest.decode import decode
from storyline.ingest.extract import extract_html
from storyline.ingest.fetch import Fetcher
from storyline.ingest.meta import MetaIndex
from storyline.model import ArticleInput, Skipped

SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSON_SUFFIXES + FEED_SUFFIXES
_FEED_MIN_CONTENT_CHARS = 150  # full content (content:encoded) shorter than this is a stub
_FEED_MIN_SUMMARY_CHARS = 600  # a description shorter than this is a teaser: fetch the link


Item = ArticleInput | Skipped


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def read_inputs(
    inputs: Iterable[str],
    meta: MetaIndex | None = None,
    feeds: Iterable[str] = (),
    fetcher: Fetcher | None = None,
    manifest: bool = True,
) -> Iterator[Item]:
    """Everything the user named, plus (with `manifest`) the files the meta file lists.

    Each input is read once.  Without `manifest` the meta file only lends metadata: a
    worker reading one partition of a batch must not read the whole manifest again.
    """
    meta = meta or MetaIndex()
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher()
    seen: set[str] = set()
    try:
        for value in inputs:
            if is_url(value):
                yield from _once(seen, value, lambda v=value: read_url(v, fetcher, meta))
            else:
                yield from _read_path_arg(Path(value), seen, meta, fetcher)
        for url in feeds:
            yield from _once(seen, url, lambda u=url: read_feed_url(u, fetcher))
        if manifest:
            for path in meta.paths():
                yield from _once(seen, str(path), lambda p=path: read_file(p, meta, fetcher))
            yield from meta.problems
    finally:
        if own_fetcher:
            fetcher.close()


def _once(seen: set[str], key: str, read: Any) -> Iterator[Item]:
    if key in seen:
        return
    seen.add(key)
    yield from read()


def _read_path_arg(path: Path, seen: set[str], meta: MetaIndex, fetcher: Fetcher) -> Iterator[Item]:
    if not path.exists():
        yield Skipped(str(path), "no such file or folder")
    elif path.is_dir():
        for file in _walk(path):
            if file.suffix.lower() in SUPPORTED_SUFFIXES:
                yield from _once(seen, str(file.resolve()), lambda f=file: read_file(f, meta, fetcher))
            elif meta.lookup(file) is None and file.name != "meta.jsonl":
                yield Skipped(str(file), f"unsupported file type '{file.suffix or file.name}'")
    else:
        yield from _once(seen, str(path.resolve()), lambda: read_file(path, meta, fetcher, explicit=True))


def _walk(folder: Path) -> Iterator[Path]:
    """Files below a folder in a stable order, hidden files and folders left out."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def read_file(path: Path, meta: MetaIndex, fetcher: Fetcher, explicit: bool = False) -> Iterator[Item]:
    """One file → its articles; `explicit` files of unknown type are sniffed, not refused."""
    origin = str(path)
    if path.resolve() in meta.meta_files:
        return
    try:
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            yield from _apply_meta(read_jsonl(path), meta, path)
            return
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"file too large: {size / 1e6:.1f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB limit"
            )
        text, _ = decode(path.read_bytes())
        kind = _kind(suffix, text, explicit)
        items = _parse(kind, text, origin, fetcher)
        yield from _apply_meta(items, meta, path)
    except (InputError, OSError) as exc:
        yield Skipped(origin, _reason(exc))


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _kind(suffix: str, text: str, explicit: bool) -> str:
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix == ".json":
        return "json"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if not explicit:
        raise UnsupportedInput(f"unsupported file type '{suffix}'")
    head = text.lstrip()[:500].lower()
    if head.startswith(("{", "[")):
        return "json"
    if "<rss" in head or "<feed" in head or "<rdf:rdf" in head:
        return "feed"
    if head.startswith("<"):
        return "html"
    return "text"


def _parse(kind: str, text: str, origin: str, fetcher: Fetcher) -> Iterator[Item]:
    if kind == "text":
        yield _checked(ArticleInput(text=text, origin=origin))
    elif kind == "html":
        yield _checked(_from_page(text, origin, None))
    elif kind == "json":
        yield from _json_records(text, origin)
    else:
        yield from read_feed(text.encode(), origin, fetcher)


def _checked(article: ArticleInput) -> ArticleInput:
    if not article.text or not article.text.strip():
        raise EmptyInput("no article text")
    if len(article.text) > MAX_RECORD_CHARS:
        raise InputError(
            f"article text too long: {len(article.text):,} characters, over {MAX_RECORD_CHARS:,}"
        )
    return article


def _from_page(html: str, origin: str, url: str | None) -> ArticleInput:
    page = extract_html(html, url)
    return ArticleInput(
        text=page.text,
        title=page.title,
        author=page.author,
        published=page.published,
        source=page.site,
        url=page.url or url,
        language=page.language,
        origin=origin,
    )


# --- JSON and JSONL -----------------------------------------------------------------------


def _json_records(text: str, origin: str) -> Iterator[Item]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnsupportedInput(f"invalid JSON: {exc.msg} at line {exc.lineno}") from exc
    records = data if isinstance(data, list) else [data]
    for n, record in enumerate(records):
        where = origin if len(records) == 1 else f"{origin}[{n}]"
        yield _record_item(record, where)


def read_jsonl(path: Path) -> Iterator[Item]:
    """Stream a JSONL crawl: any size, a malformed line skipped with its line number."""
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                line, _ = decode(raw)
                record = json.loads(line)
            except (InputError, json.JSONDecodeError) as exc:
                msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                yield Skipped(where, f"malformed JSON line: {msg}")
                continue
            yield _record_item(record, where)


def _record_item(record: Any, where: str) -> Item:
    try:
        return _checked(record_to_input(record, where))
    except InputError as exc:
        return Skipped(where, str(exc))


def record_to_input(record: Any, origin: str) -> ArticleInput:
    """A news-please or trafilatura JSON record (or our own export's article) → input."""
    if not isinstance(record, dict):
        raise UnsupportedInput(f"a JSON article must be an object, got {type(record).__name__}")
    text = _first(record, "maintext", "text", "body", "content", "raw_text")
    if not isinstance(text, str) or not text.strip():
        raise EmptyInput("JSON record has no article text (looked for maintext, text, body, content)")
    authors = record.get("authors")
    author = ", ".join(a for a in authors if isinstance(a, str)) if isinstance(authors, list) else None
    source_field = _str(record.get("source"))  # trafilatura: the URL; our export: the outlet
    source_is_url = source_field is not None and is_url(source_field)
    return ArticleInput(
        text=text,
        id=_str(record.get("id")),
        title=_str(record.get("title")),
        url=_str(record.get("url")) or (source_field if source_is_url else None),
        published=_str(_first(record, "date_publish", "published", "date")),
        source=_str(_first(record, "source_domain", "sitename", "hostname", "outlet"))
        or (None if source_is_url else source_field),
        author=author or _str(record.get("author")),
        language=_str(record.get("language")),
        origin=origin,
    )


def _first(record: dict, *keys: str) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, ""):
            return value
    return None


def _str(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


# --- URLs and feeds -----------------------------------------------------------------------


def read_url(url: str, fetcher: Fetcher, meta: MetaIndex | None = None) -> Iterator[Item]:
    """A page, a feed or a JSON file on the web, told apart by content type and content."""
    try:
        response = fetcher.get(url)
        text, _ = decode(response.content)
        ctype = response.content_type
        head = text.lstrip()[:500].lower()
        if "rss" in ctype or "atom" in ctype or "<rss" in head or "<feed" in head or "<rdf:rdf" in head:
            items: Iterable[Item] = read_feed(response.content, url, fetcher)
        elif "json" in ctype:
            items = _json_records(text, url)
        elif "html" in ctype or head.startswith("<"):
            items = [_checked(_from_page(text, url, response.url))]
        else:
            items = [_checked(ArticleInput(text=text, url=response.url, origin=url))]
        yield from _apply_meta(items, meta or MetaIndex(), None, url)
    except InputError as exc:
        yield Skipped(url, str(exc))


def read_feed_url(url: str, fetcher: Fetcher) -> Iterator[Item]:
    try:
        response = fetcher.get(url)
    except InputError as exc:
        yield Skipped(url, str(exc))
        return
    yield from read_feed(response.content, url, fetcher)


def read_feed(
    content: bytes, origin: str, fetcher: Fetcher, known: Callable[[str], bool] | None = None
) -> Iterator[Item]:
    """Each entry of an RSS/Atom feed; inline full text is used, teasers fetch their link.

    `known` says which entry links are stored already: polling a feed must not fetch the
    same twenty pages every fifteen minutes.
    """
    parsed = feedparser.parse(content)
    if not parsed.get("version") and not parsed.entries:
        yield Skipped(origin, "not an RSS or Atom feed")
        return
    site = parsed.feed.get("title")
    for n, entry in enumerate(parsed.entries):
        where = entry.get("link") or f"{origin}#{n}"
        if known is not None and entry.get("link") and known(entry.link):
            continue
        try:
            yield _checked(_entry_to_input(entry, site, where, fetcher))
        except InputError as exc:
            yield Skipped(where, str(exc))


def _entry_to_input(entry: Any, site: str | None, where: str, fetcher: Fetcher) -> ArticleInput:
    full = bool(entry.get("content"))
    html = entry.content[0].value if full else entry.get("summary", "")
    text = fragment_text(html) if html else ""
    link = entry.get("link")
    enough = _FEED_MIN_CONTENT_CHARS if full else _FEED_MIN_SUMMARY_CHARS
    if len(text) < enough and link and is_url(link):
        page = fetcher.get(link)
        decoded, _ = decode(page.content)
        article = _from_page(decoded, where, page.url)
    else:
        article = ArticleInput(text=text, origin=where)
    article.title = entry.get("title") or article.title
    article.url = link or article.url
    article.source = article.source or site
    article.author = entry.get("author") or article.author
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if stamp:
        article.published = time.strftime("%Y-%m-%dT%H:%M:%S", stamp)
    return article


def fragment_text(html: str) -> str:
    """Text of an HTML fragment, one block element per line."""
    if "<" not in html:
        return html.strip()
    try:
        tree = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return html.strip()
    blocks = tree.xpath(".//p|.//h1|.//h2|.//h3|.//h4|.//li|.//blockquote")
    if not blocks:
        return " ".join(tree.text_content().split())
    return "\n".join(" ".join(b.text_content().split()) for b in blocks if b.text_content().strip())


# --- metadata from --meta -----------------------------------------------------------------


def _apply_meta(
    items: Iterable[Item], meta: MetaIndex, path: Path | None, url: str | None = None
) -> Iterator[Item]:
    record = meta.lookup(path) if path is not None else meta.lookup_url(url or "")
    for item in items:
        if isinstance(item, ArticleInput):
            if path is not None and item.path is None:
                item.path = str(path)
            if record is not None:
                record.apply(item)
        yield item
