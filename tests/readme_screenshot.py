"""Save the README's screenshot: an event page of the fictional demo, as docs/event-page.png.

Runs the bundled demo corpus through the whole pipeline into a temporary store, serves
it on 127.0.0.1 and photographs the page of its framed pair (the Karsavin–Rehnberg call,
four outlets) in Debian's Chromium.  The demo and not the seeds: the image is committed,
and only text written for this project goes into the repository.  Run it from the
repository root once every stage is in place:

    PYTHONPATH=src:tests python tests/readme_screenshot.py            # → docs/event-page.png
    PYTHONPATH=src:tests python tests/readme_screenshot.py -o shot.png

`tests/test_browser.py::test_seed_event_page_screenshot` runs the same code into a
temporary file, so the helper cannot rot unnoticed.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from web_fixtures import browser_page, live_server, seed_event

from storyline.store.db import Store
from storyline.web.app import create_app

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "event-page.png"
SHOWN_ARTICLES = ("demo-11", "demo-12", "demo-13", "demo-14")  # truth.json: karsavin_rehnberg_call
VIEWPORT = {"width": 1280, "height": 1500}  # the header, both outlets side by side, the claims


def save_event_page(store: Store, event_id: str, out: Path) -> Path:
    """Photograph /events/{event_id} (the top of the page, at laptop width) into `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with live_server(create_app(store, process=False)) as base, browser_page(VIEWPORT) as page:
        page.goto(f"{base}/events/{event_id}")
        page.wait_for_selector(".outlets-grid")
        page.screenshot(path=str(out), full_page=False)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="PNG file to write")
    args = parser.parse_args(argv)
    from storyline import api

    db = Path(tempfile.mkdtemp(prefix="storyline-shot-")) / "demo.db"
    store = Store(f"sqlite:///{db}")
    try:
        corpus = api.demo_corpus()
        api.run([str(corpus)], meta=str(corpus / "meta.jsonl"), store=store)
        path = save_event_page(store, seed_event(store, *SHOWN_ARTICLES), args.out)
    finally:
        store.close()
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
