"""Every class of bad input is reported with a reason; the rest of the batch goes in."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx
import pytest

from storyline.ingest.fetch import Fetcher
from storyline.ingest.stage import ingest
from storyline.report.export import to_dict

GOOD = "The harbour board approved the new ferry timetable on Monday after a public consultation.\n"


def run(store, tmp_path: Path, name: str, content: bytes | str, fetcher: Fetcher | None = None):
    folder = tmp_path / "batch"
    folder.mkdir(exist_ok=True)
    (folder / "good.txt").write_text(GOOD)
    bad = folder / name
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    report = ingest(store, [str(folder)], fetcher=fetcher)
    assert report.ingested or report.unchanged, "the good file must go in whatever the bad one does"
    return report, bad


def reason_for(report, path: Path) -> str:
    found = [s.reason for s in report.skipped if s.origin.startswith(str(path))]
    assert found, f"{path.name} was not reported: {report.skipped}"
    return found[0]


def assert_consistent(store, expected_articles: int) -> None:
    data = to_dict(store)
    assert len(data["articles"]) == expected_articles
    assert len({a["id"] for a in data["articles"]}) == expected_articles


def test_binary_file(store, tmp_path):
    report, bad = run(store, tmp_path, "scan.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\n")
    assert "binary file" in reason_for(report, bad)
    assert "PDF" in reason_for(report, bad)
    assert_consistent(store, 1)


def test_binary_with_nul_bytes(store, tmp_path):
    report, bad = run(store, tmp_path, "blob.txt", bytes(range(256)) * 40)
    assert "binary" in reason_for(report, bad)


def test_empty_file(store, tmp_path):
    report, bad = run(store, tmp_path, "empty.txt", b"")
    assert "empty" in reason_for(report, bad)
    report, bad = run(store, tmp_path, "blank.txt", b"  \n\n \t\n")
    assert "empty" in reason_for(report, bad)


def test_legacy_encodings_are_decoded(store, tmp_path):
    text = "Le ministre a déclaré que la réunion à Genève était « très constructive » pour les deux pays."
    run(store, tmp_path, "latin1.txt", text.encode("cp1252"))
    run(store, tmp_path, "utf16.txt", ("The café owners’ association met the mayor. " * 3).encode("utf-16"))
    texts = [a["text"] for a in to_dict(store)["articles"]]
    assert any("déclaré" in t and "Genève" in t for t in texts)
    assert any("café owners’" in t for t in texts)
    french = next(a for a in to_dict(store)["articles"] if "Genève" in a["text"])
    assert french["language"] == "fr"


def test_invalid_utf8_bytes(store, tmp_path):
    data = (
        GOOD.encode().replace(b"ferry", b"fe\xff\xferry") + b"The vote was close, members said afterwards.\n"
    )
    run(store, tmp_path, "mixed.txt", data)
    assert any("timetable" in a["text"] and "vote was close" in a["text"] for a in to_dict(store)["articles"])


def test_huge_file(store, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    big = folder / "huge.txt"
    line = (
        "All work and no play makes a very long file that nobody should call an article. " * 10 + "\n"
    ).encode()
    with big.open("wb") as fh:
        for _ in range(100 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    assert big.stat().st_size >= 100 * 1024 * 1024
    report = ingest(store, [str(folder)])
    assert "too large" in reason_for(report, big)
    assert len(report.ingested) == 1


def test_malformed_html(store, tmp_path):
    broken = (
        "<html><head><title>Broken</title><body><div><p>The city council voted on Tuesday to close the old "
        "bridge for repairs lasting six months.<p>Drivers will use the ring road<div></span> instead, officials "
        "said.</table></html"
    )
    report, bad = run(store, tmp_path, "broken.html", broken)
    assert any("old bridge for repairs" in a["text"] for a in to_dict(store)["articles"])
    report, bad = run(
        store, tmp_path, "nothing.html", "<html><head><script>var x=1;</script></head><body></body>"
    )
    assert "no article text" in reason_for(report, bad)


def test_malformed_jsonl_lines(store, tmp_path):
    lines = [
        json.dumps(
            {"title": "One", "maintext": "The first record of the crawl is a perfectly good article."}
        ),
        "{this is not json",
        json.dumps(["a", "list"]),
        json.dumps({"title": "No text"}),
        json.dumps(
            {"title": "Two", "maintext": "The second good record arrives after three bad lines in a row."}
        ),
    ]
    report, bad = run(store, tmp_path, "crawl.jsonl", "\n".join(lines) + "\n")
    reasons = {s.origin: s.reason for s in report.skipped}
    assert "malformed JSON line" in reasons[f"{bad}:2"]
    assert "must be an object" in reasons[f"{bad}:3"]
    assert "no article text" in reasons[f"{bad}:4"]
    assert len(report.ingested) == 3  # good.txt and the two good records
    assert_consistent(store, 3)


def test_missing_paths(store, tmp_path):
    (tmp_path / "good.txt").write_text(GOOD)
    report = ingest(store, [str(tmp_path / "nope.txt"), str(tmp_path / "good.txt"), str(tmp_path / "no-dir")])
    assert len(report.ingested) == 1
    assert [s.reason for s in report.skipped] == ["no such file or folder"] * 2


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_url(store, tmp_path):
    (tmp_path / "good.txt").write_text(GOOD)
    url = f"http://127.0.0.1:{_closed_port()}/story"
    report = ingest(store, [url, str(tmp_path / "good.txt")])
    assert len(report.ingested) == 1
    assert "cannot fetch" in report.skipped[0].reason
    assert report.skipped[0].origin == url


def mock_fetcher(routes: dict[str, tuple[int, str, bytes]]) -> Fetcher:
    def handler(request: httpx.Request) -> httpx.Response:
        status, ctype, body = routes.get(str(request.url), (404, "text/plain", b"not found"))
        return httpx.Response(status, headers={"content-type": ctype}, content=body)

    return Fetcher(transport=httpx.MockTransport(handler))


def test_feed_that_is_not_a_feed(store, tmp_path):
    fetcher = mock_fetcher(
        {
            "https://news.example/feed": (
                200,
                "application/rss+xml",
                b"<html><body>Sorry, moved</body></html>",
            ),
            "https://news.example/story": (
                200,
                "text/html",
                f"<html><body><article><p>{GOOD}</p></article></body></html>".encode(),
            ),
        }
    )
    report = ingest(
        store, ["https://news.example/story"], feeds=["https://news.example/feed"], fetcher=fetcher
    )
    assert len(report.ingested) == 1
    assert report.skipped[0].reason == "not an RSS or Atom feed"


def test_feed_file_that_is_not_a_feed(store, tmp_path):
    report, bad = run(store, tmp_path, "feed.xml", "<config><setting name='a'>1</setting></config>")
    assert reason_for(report, bad) == "not an RSS or Atom feed"


def test_http_errors_and_wrong_types(store):
    fetcher = mock_fetcher(
        {
            "https://news.example/gone": (410, "text/html", b"gone"),
            "https://news.example/photo": (200, "image/jpeg", b"\xff\xd8\xff\xe0"),
            "https://news.example/ok": (200, "text/plain", GOOD.encode()),
        }
    )
    urls = ["https://news.example/gone", "https://news.example/photo", "https://news.example/ok"]
    report = ingest(store, urls, fetcher=fetcher)
    reasons = {s.origin: s.reason for s in report.skipped}
    assert "HTTP 410" in reasons[urls[0]]
    assert "image/jpeg" in reasons[urls[1]]
    assert len(report.ingested) == 1


def test_oversized_download(store):
    fetcher = mock_fetcher(
        {"https://news.example/big": (200, "text/html", b"<p>" + b"x" * 2_000_000 + b"</p>")}
    )
    fetcher.max_bytes = 1_000_000
    report = ingest(store, ["https://news.example/big"], fetcher=fetcher)
    assert "limit" in report.skipped[0].reason
    assert not report.ok


def test_nothing_ingested_is_not_ok(store, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    report = ingest(store, [str(tmp_path / "empty.txt")])
    assert not report.ok
    assert report.summary() == "ingested 0, skipped 1"


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_unsupported_types_in_folder_reported(store, tmp_path, suffix):
    report, bad = run(store, tmp_path, "file" + suffix, b"whatever")
    assert "unsupported file type" in reason_for(report, bad)
