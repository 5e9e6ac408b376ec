"""Document and sentence vectors for articles, computed once and cached in the store.

A document vector embeds the headline and the lead (first sentences): news puts the event in the
lead, and a fixed-length input keeps the cost per article constant whatever the article's length.
Sentence vectors embed every sentence, for rewrite alignment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from storytrace.model import Article
from storytrace.nlp.embed import DIM, from_blob, get_encoder, to_blob
from storytrace.store import SQLiteStore
from storytrace.store.vectors import load_vectors, save_vectors
from storytrace.text import sentences

LEAD_SENTENCES = 3


def doc_text(article: Article) -> str:
    """The text a document vector embeds: headline plus the first sentences of the body."""
    lead = " ".join(s.text for s in sentences(article.body)[:LEAD_SENTENCES])
    return f"{article.title}. {lead}" if article.title and lead else article.title or lead


def doc_vectors(
    store: SQLiteStore, articles: Sequence[Article], kind: str = "doc", text: Callable[[Article], str] = doc_text
) -> np.ndarray:
    """(len(articles), 384) unit vectors of `text(article)`, embedding only the articles not cached yet
    under `kind` (another kind and text serve the benches' baselines, such as the whole text)."""
    cached = load_vectors(store, kind, [(a.id, a.content_hash) for a in articles])
    missing = [a for a in articles if a.id not in cached]
    if missing:
        fresh = get_encoder().encode([text(a) for a in missing])
        rows = [(a.id, a.content_hash, [(0, len(a.text), to_blob(v))]) for a, v in zip(missing, fresh, strict=True)]
        save_vectors(store, kind, rows)
        cached.update({article_id: r for article_id, _, r in rows})
    out = np.zeros((len(articles), DIM), dtype=np.float32)
    for i, article in enumerate(articles):
        out[i] = from_blob(cached[article.id][0][2])
    return out


def sentence_vectors(
    store: SQLiteStore, articles: Sequence[Article]
) -> dict[str, tuple[list[tuple[int, int]], np.ndarray]]:
    """Per article: the sentence spans (start, end) and a (n_sentences, 384) matrix of unit vectors."""
    cached = load_vectors(store, "sent", [(a.id, a.content_hash) for a in articles])
    missing = [a for a in articles if a.id not in cached]
    if missing:
        spans = {a.id: sentences(a.text) for a in missing}
        flat = [s.text for a in missing for s in spans[a.id]]
        encoded = get_encoder().encode(flat)
        rows, cursor = [], 0
        for a in missing:
            n = len(spans[a.id])
            rows.append(
                (
                    a.id,
                    a.content_hash,
                    [
                        (s.start, s.end, to_blob(v))
                        for s, v in zip(spans[a.id], encoded[cursor : cursor + n], strict=True)
                    ],
                )
            )
            cursor += n
        save_vectors(store, "sent", rows)
        cached.update({article_id: r for article_id, _, r in rows})
    result = {}
    for article in articles:
        rows = cached.get(article.id, [])
        matrix = np.stack([from_blob(v) for _, _, v in rows]) if rows else np.zeros((0, DIM), dtype=np.float32)
        result[article.id] = ([(s, e) for s, e, _ in rows], matrix)
    return result
