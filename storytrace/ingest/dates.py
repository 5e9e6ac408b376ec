"""Publication dates normalised to ISO 8601, without ever inventing a missing part.

dateutil fills any component the input lacks from a default date, which would silently turn
"October 2024" into the 21st or "17 October 2024" into midnight. We parse twice with two defaults
that differ in every component: a component that comes out equal both times was in the input, one
that differs was filled in. A date without its day is rejected (None); a missing time gives a date
only; a time zone is kept when the input names one.

Data exports also write dates as bare digits, in two families that share a length: Unix timestamps
(10 digits of seconds or 13 of milliseconds, read as UTC) and compact calendar stamps (yyyymmdd,
yyyymmddhh, yyyymmddhhmm, yyyymmddhhmmss, as GDELT writes them). Ten digits are read as seconds first,
but a publication date is never in the future, and every yyyymmddhh stamp from 1990 on would be a
second after 2033: such a value falls through to the calendar reading.

Any date, written or digits, that no publication can carry (after tomorrow, or a placeholder such as
"0001-01-01") is no date: the article is kept, undated, rather than placed in year 1.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta
from typing import ClassVar

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


def _beside(english: list[tuple[str, ...]], other: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return [(*names, *more) for names, more in zip(english, other, strict=True)]


class _Names(date_parser.parserinfo):
    """dateutil's English month and weekday names, with the German and French ones beside them: press
    databases print an edition's dates in its language ("7. März 2024 Donnerstag", "8 mars 2024")."""

    MONTHS: ClassVar[list[tuple[str, ...]]] = _beside(
        date_parser.parserinfo.MONTHS,
        [
            ("Januar", "janvier"),
            ("Februar", "février", "fevrier"),
            ("März", "Maerz", "mars"),
            ("avril",),
            ("Mai",),
            ("Juni", "juin"),
            ("Juli", "juillet"),
            ("août", "aout"),
            ("septembre",),
            ("Oktober", "octobre"),
            ("novembre",),
            ("Dezember", "décembre", "decembre"),
        ],
    )
    WEEKDAYS: ClassVar[list[tuple[str, ...]]] = _beside(
        date_parser.parserinfo.WEEKDAYS,
        [
            ("Montag", "lundi"),
            ("Dienstag", "mardi"),
            ("Mittwoch", "mercredi"),
            ("Donnerstag", "jeudi"),
            ("Freitag", "vendredi"),
            ("Samstag", "Sonnabend", "samedi"),
            ("Sonntag", "dimanche"),
        ],
    )


_NAMES = _Names()
_MAX_DATE_CHARS = 80
_EPOCH_DIGITS = (10, 13)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:(\d{2})(?:(\d{2})(\d{2})?)?)?")
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # older "dates" in exports are ids or counts, not publication
# A written date is a date, but not always a publication's: exports write "0001-01-01" or "9999-12-31" for
# none. Nothing was printed as news before the first weekly (Strasbourg, 1605), or after tomorrow.
EARLIEST_WRITTEN = datetime(1605, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)  # clocks and time zones: a stamp up to a day ahead is still a date


def normalise_date(value: object) -> str | None:
    """ISO 8601 form of a date or date-time value, or None when it is unknown or incomplete."""
    if isinstance(value, datetime):
        return _iso(value, has_time=True) if _plausible(value, EARLIEST_WRITTEN) else None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return _from_digits(value)
    if not value or len(value) > _MAX_DATE_CHARS or not _HAS_YEAR.search(value):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            first = date_parser.parse(value, _NAMES, default=_DEFAULT_A, tzinfos=_ZONES)
            second = date_parser.parse(value, _NAMES, default=_DEFAULT_B, tzinfos=_ZONES)
        except (ValueError, OverflowError, TypeError):
            return None
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None
    if not _plausible(first, EARLIEST_WRITTEN):
        return None
    return _iso(first, has_time=(first.hour, first.minute) == (second.hour, second.minute))


def _from_digits(value: str) -> str | None:
    """A date written as bare digits: a Unix timestamp when that reading is a plausible publication time,
    else a compact calendar stamp; None when neither fits (an id or a count)."""
    if len(value) in _EPOCH_DIGITS and (moment := _from_epoch(value)):
        return moment
    return _from_compact(value)


def _from_epoch(value: str) -> str | None:
    """Seconds (10 digits) or milliseconds (13) since 1970, in UTC."""
    seconds = int(value[:10])  # milliseconds beyond the whole second are dropped
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    return moment.isoformat() if _plausible(moment) else None


def _from_compact(value: str) -> str | None:
    """yyyymmdd[hh[mm[ss]]] as written, with no zone: a date, or a date-time to the precision given."""
    match = _COMPACT.fullmatch(value)
    if match is None:
        return None
    parts = [int(p) for p in match.groups() if p is not None]
    try:
        moment = datetime(*parts)  # type: ignore[arg-type]
    except ValueError:
        return None
    return _iso(moment, has_time=len(parts) > 3) if _plausible(moment) else None


def _plausible(moment: datetime, earliest: datetime = EARLIEST) -> bool:
    """A publication time lies between `earliest` and now (give or take FUTURE_SLACK); one without a zone
    is taken as UTC."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return earliest <= moment <= datetime.now(tz=UTC) + FUTURE_SLACK


def _iso(moment: datetime, *, has_time: bool) -> str:
    return moment.isoformat() if has_time else moment.date().isoformat()
