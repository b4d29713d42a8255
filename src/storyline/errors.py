"""Exceptions, one class per kind of failure, with messages that name the input and the fix.

StorylineError
├── InputError            an input cannot become an article (reported, batch goes on)
│   ├── UnsupportedInput  binary, unknown type, not a feed
│   ├── TooLarge
│   ├── EmptyInput
│   └── FetchError        a URL could not be fetched
├── MetaError             a --meta line is malformed or names a missing file
├── StoreError            the database URL or schema is unusable
├── NotFound              an event, article, entity or storyline id that does not exist
└── ModelNotFound         no spaCy / embedding model installed
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base class: every error Storyline raises on purpose."""


class InputError(StorylineError):
    """One input could not be read as an article; the rest of the batch continues."""


class UnsupportedInput(InputError):
    pass


class TooLarge(InputError):
    pass


class EmptyInput(InputError):
    pass


class FetchError(InputError):
    pass


class MetaError(StorylineError):
    pass


class StoreError(StorylineError):
    pass


class NotFound(StorylineError):
    pass


class ModelNotFound(StorylineError):
    pass


class SettingError(StorylineError):
    """An environment variable or option holds a value Storyline cannot use."""
