"""`--meta FILE.jsonl`: metadata for files that carry none, and a manifest of inputs.

Plain-text files have no outlet or date; the meta file supplies them (and stable ids).
A path is absolute or relative to the meta file's folder.  Bad lines are reported and
skipped like any other bad input; only a meta file that does not exist is fatal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from storyline.errors import MetaError
from storyline.ingest.dates import normalize_published
from storyline.model import ArticleInput, Skipped

_FIELDS = ("id", "source", "title", "published", "url", "author", "language")


@dataclass
class MetaRecord:
    line: int
    path: Path | None = None
    url: str | None = None
    id: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | None = None
    author: str | None = None
    language: str | None = None

    def apply(self, item: ArticleInput) -> None:
        """Overwrite what the file said with what the meta file says, field by field."""
        for name in _FIELDS:
            value = getattr(self, name)
            if value is not None:
                setattr(item, name, value)
        item.explicit_meta = True


@dataclass
class MetaIndex:
    by_path: dict[Path, MetaRecord] = field(default_factory=dict)
    by_url: dict[str, MetaRecord] = field(default_factory=dict)
    problems: list[Skipped] = field(default_factory=list)
    meta_files: set[Path] = field(default_factory=set)

    @classmethod
    def load(cls, *files: str | Path) -> MetaIndex:
        index = cls()
        for file in files:
            index.add_file(Path(file))
        return index

    def add_file(self, file: Path) -> None:
        if not file.is_file():
            raise MetaError(f"meta file not found: {file}")
        self.meta_files.add(file.resolve())
        with file.open(encoding="utf-8", errors="replace") as fh:
            for lineno, line in enumerate(fh, start=1):
                if line.strip():
                    self._add_line(file, lineno, line)

    def _add_line(self, file: Path, lineno: int, line: str) -> None:
        where = f"{file}:{lineno}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            self.problems.append(Skipped(where, f"malformed meta line: {exc.msg}"))
            return
        if not isinstance(data, dict) or not (data.get("path") or data.get("url")):
            self.problems.append(Skipped(where, 'meta line needs a "path" or a "url"'))
            return
        record = MetaRecord(line=lineno)
        for name in _FIELDS:
            if data.get(name) not in (None, ""):
                setattr(record, name, str(data[name]).strip())
        if record.published is not None:
            published = normalize_published(record.published)
            if published is None:
                self.problems.append(Skipped(where, f"unreadable date {record.published!r}, ignored"))
            record.published = published
        if data.get("path"):
            path = Path(data["path"])
            path = (path if path.is_absolute() else file.parent / path).resolve()
            if not path.exists():
                self.problems.append(Skipped(str(path), f"named in {where} but no such file"))
                return
            record.path = path
            self.by_path[path] = record
        if record.url:
            self.by_url[record.url] = record

    def lookup(self, path: Path | None) -> MetaRecord | None:
        return self.by_path.get(path.resolve()) if path is not None else None

    def lookup_url(self, url: str) -> MetaRecord | None:
        return self.by_url.get(url)

    def paths(self) -> list[Path]:
        return list(self.by_path)
