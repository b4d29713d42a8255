"""Ingesting files and folders of every supported kind."""

from __future__ import annotations

import json
from pathlib import Path

from storyline.ingest.meta import MetaIndex
from storyline.ingest.stage import ingest
from storyline.report.export import to_dict

BODY = (
    "The river authority opened the new flood barrier on Monday after three years of work.\n"
    "Engineers said the barrier would protect twelve thousand homes in the lower valley.\n"
    "Residents who lost property in the last flood welcomed the news but asked for compensation.\n"
)

HTML_PAGE = """<!doctype html><html><head><title>Barrier opens | Valley Courier</title>
<meta property="og:site_name" content="Valley Courier">
<meta name="author" content="Mira Holt">
<meta property="article:published_time" content="2026-04-06T08:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Flood barrier opens after three years</h1>
<p>The river authority opened the new flood barrier on Monday after three years of construction work.</p>
<p>Engineers said the barrier would protect twelve thousand homes in the lower valley from spring floods.</p>
<p>Residents who lost property in the last flood welcomed the news but asked for faster compensation.</p>
</article><footer>© 2026 Valley Courier. All rights reserved.</footer></body></html>"""

RSS = """<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Harbour Gazette</title><link>https://harbour-gazette.example</link><description>news</description>
<item><title>Ferry service resumes</title><link>https://harbour-gazette.example/ferry</link>
<guid>https://harbour-gazette.example/ferry</guid><pubDate>Tue, 07 Apr 2026 10:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>The ferry service between the two islands resumed on Tuesday after a week of storms kept
boats in port.</p><p>The operator said all crossings would run on the normal timetable from Wednesday, and that
tickets bought for cancelled sailings would be refunded in full.</p><p>Island shop owners said deliveries of fresh food
had run short during the storm and welcomed the return of regular crossings.</p>]]></content:encoded></item>
</channel></rss>"""


def make_corpus(folder: Path) -> None:
    (folder / "sub").mkdir(parents=True)
    (folder / "plain.txt").write_text(BODY)
    (folder / "notes.md").write_text("# Council notes\n\n" + BODY.replace("river", "canal"))
    (folder / "sub" / "page.html").write_text(HTML_PAGE)
    (folder / "sub" / "feed.xml").write_text(RSS)
    newsplease = {
        "title": "Bridge tolls to rise",
        "maintext": "The bridge company said tolls would rise by ten percent in July to pay for repairs to the deck.",
        "date_publish": "2026-04-02 09:30:00",
        "url": "https://metro-daily.example/tolls",
        "source_domain": "metro-daily.example",
        "authors": ["Ana Ruiz"],
        "language": "en",
    }
    trafilatura_json = {
        "title": "School year extended",
        "text": "The education ministry extended the school year by two weeks to make up for days lost to strikes.",
        "date": "2026-03-30",
        "source": "https://northern-post.example/school",
        "sitename": "Northern Post",
        "author": "Lee Park",
    }
    (folder / "crawl.jsonl").write_text(json.dumps(newsplease) + "\n")
    (folder / "one.json").write_text(json.dumps(trafilatura_json))


def test_folder_of_every_kind(store, tmp_path):
    make_corpus(tmp_path / "in")
    report = ingest(store, [str(tmp_path / "in")])
    assert report.skipped == []
    assert len(report.ingested) == 6
    articles = {a["title"]: a for a in to_dict(store)["articles"]}
    page = next(a for a in articles.values() if a["source"] == "Valley Courier")
    assert page["published"].startswith("2026-04-06")
    assert "twelve thousand homes" in page["text"]
    assert "All rights reserved" not in page["text"]
    ferry = articles["Ferry service resumes"]
    assert ferry["source"] == "Harbour Gazette"
    assert ferry["url"] == "https://harbour-gazette.example/ferry"
    assert ferry["published"].startswith("2026-04-07")
    tolls = articles["Bridge tolls to rise"]
    assert tolls["source"] == "metro-daily.example"
    assert tolls["published"] == "2026-04-02T09:30:00"
    school = articles["School year extended"]
    assert school["url"] == "https://northern-post.example/school"
    assert school["source"] == "Northern Post"
    assert all(a["language"] == "en" for a in articles.values())


def test_reingest_is_a_noop(store, tmp_path):
    make_corpus(tmp_path / "in")
    first = ingest(store, [str(tmp_path / "in")])
    second = ingest(store, [str(tmp_path / "in")])
    assert second.ingested == []
    assert sorted(second.unchanged) == sorted(first.ingested)
    assert len(to_dict(store)["articles"]) == 6


def test_meta_supplies_ids_sources_dates(store, tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    meta = tmp_path / "meta.jsonl"
    meta.write_text(
        json.dumps({"path": "a.txt", "id": "story-1", "source": "Valley Courier", "published": "2026-04-06"})
    )
    report = ingest(store, [str(tmp_path / "a.txt")], MetaIndex.load(meta))
    assert report.ingested == ["story-1"]
    article = to_dict(store)["articles"][0]
    assert (article["id"], article["source"], article["published"]) == (
        "story-1",
        "Valley Courier",
        "2026-04-06",
    )


def test_meta_lists_inputs_and_reports_missing(store, tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    meta = tmp_path / "meta.jsonl"
    meta.write_text(
        json.dumps({"path": "a.txt", "id": "story-1"})
        + "\n"
        + json.dumps({"path": "gone.txt", "id": "story-2"})
        + "\n"
        + "{not json\n"
    )
    report = ingest(store, [], MetaIndex.load(meta))
    assert report.ingested == ["story-1"]
    reasons = " | ".join(s.reason for s in report.skipped)
    assert "no such file" in reasons
    assert "malformed meta line" in reasons


def test_file_named_twice_is_one_article(store, tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    meta = tmp_path / "meta.jsonl"
    meta.write_text(json.dumps({"path": str(tmp_path / "a.txt"), "id": "story-1", "published": "2026-04-06"}))
    report = ingest(store, [str(tmp_path / "a.txt"), str(tmp_path)], MetaIndex.load(meta))
    assert report.ingested == ["story-1"]


def test_meta_added_later_updates_metadata(store, tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    first = ingest(store, [str(tmp_path / "a.txt")])
    meta = tmp_path / "meta.jsonl"
    meta.write_text(json.dumps({"path": "a.txt", "source": "Valley Courier", "published": "2026-04-06"}))
    second = ingest(store, [str(tmp_path / "a.txt")], MetaIndex.load(meta))
    assert second.updated == first.ingested
    article = to_dict(store)["articles"][0]
    assert article["source"] == "Valley Courier"
    assert article["published"] == "2026-04-06"
