"""Stable, safe article ids.

Ids appear in URLs, file names and exports, so they are restricted to [A-Za-z0-9._:-]. An id the
input gives is kept when already safe; otherwise it is slugged and suffixed with a hash of the
original, so two different unsafe ids never collapse into one. Records without an id get a content
id: a hash of the fields that identify them, equal for equal records, so re-ingesting is a no-op.
"""

from __future__ import annotations

import hashlib
import re

_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._:-]+")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def safe_id(raw: str) -> str:
    """`raw` itself when safe, else a readable slug of it made unique by a hash of the original."""
    raw = raw.strip()
    if _SAFE.fullmatch(raw):
        return raw
    slug = _UNSAFE_RUN.sub("_", raw).strip("_.:-")[:80]
    return f"{slug}_{_digest(raw)}" if slug else f"h_{_digest(raw)}"


def content_id(*parts: str | None) -> str:
    """`h_` + 16 hex digits of sha256 over the parts (None as empty), joined by '|'."""
    return f"h_{_digest('|'.join(p or '' for p in parts))}"


def url_id(key: str) -> str:
    """Id of a web record (WARC response, feed entry) from its URL or guid."""
    return f"u_{_digest(key.strip())}"
