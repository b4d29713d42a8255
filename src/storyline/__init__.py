"""Storyline: news articles from many outlets → verified, cited events."""

__version__ = "0.1.0"
