"""Stable, safe article ids.

An id the input gives is the user's name for the article, the key they join storytrace's exports
back to their own data by ("ParisAttacks2015 (30)", "Reuters/2024-11-05 #12"), so it is kept as given
when it is printable text of at most MAX_ID characters. Only an id that could not be shown or stored
as given (control or invisible characters, a line break, an overlong key) is slugged and suffixed with
a hash of the original, so two different such ids never collapse into one. Ids are never built into
SQL, paths or markup unescaped. Records without an id get a content id: a hash of the fields that
identify them, equal for equal records, so re-ingesting is a no-op.

Versions before this rule slugged every id outside [A-Za-z0-9._:-] (`legacy_ids`); a store that holds
an article under that id keeps it (`store.articles.upsert_articles`), so re-ingesting into an older
store adds nothing.
"""

from __future__ import annotations

import hashlib
import re

MAX_ID = 128
_LEGACY_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._:-]+")
_NUMBERED = re.compile(r"(.+)-([0-9]+)")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def safe_id(raw: str) -> str:
    """`raw` itself (stripped) when printable and at most MAX_ID characters, else `_slug(raw)`."""
    raw = raw.strip()
    return raw if raw and len(raw) <= MAX_ID and raw.isprintable() else _slug(raw)


def legacy_ids(article_id: str) -> list[str]:
    """The ids versions before the printable rule may have given the article now named `article_id`,
    other than itself: the id slugged when outside [A-Za-z0-9._:-], and for an id built as a file's id +
    "-" + a document's number (press exports) the file's part slugged alone."""
    if _LEGACY_SAFE.fullmatch(article_id):
        return []
    found = [_slug(article_id)]
    if (compound := _NUMBERED.fullmatch(article_id)) and not _LEGACY_SAFE.fullmatch(compound[1]):
        found.append(f"{_slug(compound[1])}-{compound[2]}")
    return [legacy for legacy in found if legacy != article_id]


def _slug(raw: str) -> str:
    """A readable slug of `raw` made unique by a hash of the original."""
    slug = _UNSAFE_RUN.sub("_", raw).strip("_.:-")[:80]
    return f"{slug}_{_digest(raw)}" if slug else f"h_{_digest(raw)}"


def content_id(*parts: str | None) -> str:
    """`h_` + 16 hex digits of sha256 over the parts (None as empty), joined by '|'."""
    return f"h_{_digest('|'.join(p or '' for p in parts))}"


def url_id(key: str) -> str:
    """Id of a web record (WARC response, feed entry) from its URL or guid."""
    return f"u_{_digest(key.strip())}"
