"""The console tables: readable in the 80 columns a pipe or CI log gets."""

from __future__ import annotations

from rich.console import Console

from storyline.model import Event
from storyline.report.console import events_table

EVENT = Event(
    "ev0123456789abcdef",
    "Evgeny Karsavin and Lars Ekdahl hold call",
    "2026-03-10",
    ["a", "b", "c"],
    ["p1", "p2", "p3"],
    None,
    "call",
    "sl0123456789abcdef",
)
NAMES = {"p1": "Evgeny Karsavin", "p2": "Lars Ekdahl", "p3": "Velmoran Navy"}


def rendered(width: int) -> str:
    console = Console(width=width, record=True)
    console.print(events_table([EVENT], NAMES, width=width))
    return console.export_text()


def test_a_narrow_console_leaves_the_storyline_out_so_titles_keep_whole_words() -> None:
    text = rendered(80)
    assert "sl0123456789abcdef" not in text and "Velmoran Navy" not in text
    assert all(word in text.split() for word in ("Karsavin", "Ekdahl", "hold", "call"))


def test_a_wide_console_shows_storylines_and_more_participants() -> None:
    text = rendered(160)
    assert "sl0123456789abcdef" in text and "Velmoran Navy" in text
