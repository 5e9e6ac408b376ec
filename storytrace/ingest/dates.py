"""Publication dates normalised to ISO 8601, without ever inventing a missing part.

dateutil fills any component the input lacks from a default date, which would silently turn
"October 2024" into the 21st or "17 October 2024" into midnight. We parse twice with two defaults
that differ in every component: a component that comes out equal both times was in the input, one
that differs was filled in. A date without its day is rejected (None); a missing time gives a date
only; a time zone is kept when the input names one. Unix timestamps (seconds or milliseconds, as
data exports write them) are read as UTC.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime

from dateutil import parser as date_parser
from dateutil.tz import tzoffset

_DEFAULT_A = datetime(1904, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(1905, 2, 2, 1, 1, 1)

# Zone abbreviations dateutil does not resolve on its own; only unambiguous, common ones.
_ZONE_HOURS = (
    "UTC=0 GMT=0 Z=0 BST=1 CET=1 CEST=2 EET=2 EEST=3 MSK=3 EST=-5 EDT=-4 CST=-6 CDT=-5 MST=-7 MDT=-6 PST=-8 PDT=-7"
)
_ZONES = {name: tzoffset(name, int(hours) * 3600) for name, hours in (z.split("=") for z in _ZONE_HOURS.split())}
_HAS_YEAR = re.compile(r"\b\d{4}\b")
_MAX_DATE_CHARS = 80
_EPOCH = re.compile(r"\d{10}|\d{13}")
EPOCH_RANGE = (631_152_000, 4_102_444_800)  # 1990-01-01 to 2100-01-01, UTC


def normalise_date(value: object) -> str | None:
    """ISO 8601 form of a date or date-time value, or None when it is unknown or incomplete."""
    if isinstance(value, datetime):
        return _iso(value, has_time=True)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if _EPOCH.fullmatch(value):
        return _from_epoch(value)
    if not value or len(value) > _MAX_DATE_CHARS or not _HAS_YEAR.search(value):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            first = date_parser.parse(value, default=_DEFAULT_A, tzinfos=_ZONES)
            second = date_parser.parse(value, default=_DEFAULT_B, tzinfos=_ZONES)
        except (ValueError, OverflowError, TypeError):
            return None
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None
    return _iso(first, has_time=(first.hour, first.minute) == (second.hour, second.minute))


def _from_epoch(value: str) -> str | None:
    """A Unix timestamp as exports write it: 10 digits of seconds or 13 of milliseconds (UTC), kept only
    within EPOCH_RANGE, so an id or a count that happens to have that many digits is not read as a date."""
    seconds = int(value[:10])  # milliseconds beyond the whole second are dropped
    if not EPOCH_RANGE[0] <= seconds < EPOCH_RANGE[1]:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat()


def _iso(moment: datetime, *, has_time: bool) -> str:
    return moment.isoformat() if has_time else moment.date().isoformat()
