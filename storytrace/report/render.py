"""The HTML report: one self-contained page with a store's articles and every registered exporter.

Article text is hostile input (scraped pages, feeds): every value taken from the store goes through
`html.escape`, the page carries a Content-Security-Policy that forbids scripts and network loads, and
the stylesheet is inlined, so the file can be mailed, archived and opened offline.

Sections know the shapes of the core record kinds (reuse, stories, quotes, entities, claims, as in
storytrace.model). A section whose rows lack the keys its layout needs, or an exporter the report has
never heard of, is shown as a plain table of its keys, so a new stage appears in the report without
touching this module. Every section is cut to `limit` rows so the page stays readable on a store of
millions of articles; reuse keeps its highest-scoring links and entities their most mentioned ones,
through a heap over the exporter's stream (O(limit) memory).
"""

from __future__ import annotations

import heapq
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass, field
from functools import partial
from html import escape
from importlib.resources import files
from itertools import islice
from string import Template
from typing import Any

import storytrace
from storytrace.model import Article
from storytrace.pipeline import load_stages
from storytrace.store import SQLiteStore
from storytrace.store.articles import count_articles, get_articles, iter_articles
from storytrace.store.overview import articles_per_source, publication_range

Row = dict[str, Any]

SECTION_ORDER = (
    "reuse",
    "stories",
    "threads",
    "timeline",
    "thread_timeline",
    "changes",
    "quotes",
    "entities",
    "claims",
)
# Keys a row must carry for its section's own layout; rows without them get the generic table.
_REQUIRED = {
    "reuse": {"a", "b", "relation"},
    "stories": {"articles"},
    "quotes": {"article", "text"},
    "entities": {"name"},
    "claims": {"article", "text", "value"},
    "threads": {"thread_id", "stories"},
    "timeline": {"events"},
    "thread_timeline": {"events"},
    "changes": {"event", "kind", "id", "now"},
}
# Which rows survive the cut to `limit`: the strongest ones, not the first ones.
_RANK_BY: dict[str, Callable[[Row], float]] = {
    "reuse": lambda row: _number(row.get("score")),
    "entities": lambda row: _number(row.get("mentions")),
    "stories": lambda row: len(row.get("articles") or []),
    "threads": lambda row: len(row.get("stories") or []),
    "timeline": lambda row: _articles_in(row.get("events")),  # the most covered stories, not the oldest
    "thread_timeline": lambda row: _number(row.get("article_count")),
    "changes": lambda row: _number(row.get("event")),  # the latest changes, newest first
}
# How a cut section names the rows it kept: ranked sections keep the top rows, the change log the latest.
_KEPT = {"changes": "Latest"}
_DIRECTIONS = {"a->b": "b copied a", "b->a": "a copied b"}
_TIMELINE_CAP = 50
_EVENTS_PER_DATE = 5  # a capped timeline shows this many events of one date before others wait
_FINENESS = {"day": 3, "week": 2, "month": 1, "year": 0}  # of a timeline event: a day is what a timeline is about
_EXCERPT_CONTEXT = 90
_EXCERPT_MARK = 480
_PASSAGES_SHOWN = 4


# -- data shared with the terminal summary -------------------------------------------------------
def exporter_names() -> list[str]:
    """Registered exporters other than `articles`, the known kinds first, in a stable order."""
    names = set(load_stages().exporters) - {"articles"}
    known = [n for n in SECTION_ORDER if n in names]
    return known + sorted(names - set(known))


def _articles_in(events: object) -> int:
    """How many articles a timeline's events come from."""
    if not isinstance(events, list):
        return 0
    return len({str(a) for e in events if isinstance(e, dict) for a in e.get("articles") or []})


def section_rows(store: SQLiteStore, name: str, limit: int) -> list[Row]:
    """Up to `limit` rows of one exporter: the top-ranked ones where a rank is known, else the first. An
    exporter with registered top rows (`pipeline.top_rows`) gives them itself, without building the rest."""
    registry = load_stages()
    if (top := registry.tops.get(name)) is not None:
        return list(top(store, limit))
    rows = registry.exporters[name](store)
    rank = _RANK_BY.get(name)
    return list(islice(rows, limit)) if rank is None else heapq.nlargest(limit, rows, key=rank)


def fits(name: str, rows: list[Row]) -> bool:
    """Whether every row has the keys the section's own layout needs."""
    required = _REQUIRED.get(name)
    return required is not None and all(required <= row.keys() for row in rows)


@dataclass(slots=True)
class Disagreement:
    """Claims about one subject (and unit) that give different values."""

    subject: str
    unit: str | None
    claims: list[Row] = field(default_factory=list)

    @property
    def values(self) -> list[float]:
        return sorted({_number(c["value"]) for c in self.claims})

    @property
    def label(self) -> str:
        unit = self.unit if self.unit and self.unit.casefold() != self.subject.casefold() else None
        return f"{self.subject} ({unit})" if unit else self.subject


@dataclass(slots=True)
class _Tally:
    """What the first pass of `disagreeing_claims` keeps of one subject: its first claim's subject as
    written and value, how many claims it has, and whether one of the first `per_subject` differs."""

    subject: str
    first: float
    count: int = 1
    differs: bool = False


def disagreeing_claims(rows: Callable[[], Iterable[Row]], limit: int, per_subject: int = 20) -> list[Disagreement]:
    """The `limit` subjects (normalised, with their unit) whose first `per_subject` claims give more than
    one value, those with the most claims first (counted up to `per_subject`), each with those claims.

    Two passes over the claims (`rows()` streams them afresh): the first keeps a tally per subject, the
    second the claims of the subjects shown. Memory grows with the number of subjects, a small tally each,
    not with their claims, and the page is cut at `limit`: PolNeAR's 927 articles already have 231 subjects
    that differ, and keeping up to 20 claims of every subject, to show every differing one, grew with the
    store. Claims repeating a value stay in the group: who agrees with whom is half of the picture."""
    groups = _differing_subjects(rows(), limit, per_subject)
    for row in rows():
        key = _claim_key(row)
        group = groups.get(key) if key is not None else None
        if group is not None and len(group.claims) < per_subject:
            group.claims.append(row)
    return list(groups.values())


def _differing_subjects(
    rows: Iterable[Row], limit: int, per_subject: int
) -> dict[tuple[str, str | None], Disagreement]:
    """The first pass of `disagreeing_claims`: the subjects shown, in order, with no claims yet (the tallies
    of every subject are let go before the second pass)."""
    tallies: dict[tuple[str, str | None], _Tally] = {}
    for row in rows:
        if (key := _claim_key(row)) is None:
            continue
        tally = tallies.get(key)
        if tally is None:
            tallies[key] = _Tally(str(row["subject"]), row["value"])
        else:
            tally.differs |= tally.count < per_subject and row["value"] != tally.first
            tally.count += 1
    shown = heapq.nsmallest(
        limit,
        (key for key, tally in tallies.items() if tally.differs),
        key=lambda key: (-min(tallies[key].count, per_subject), tallies[key].subject),
    )
    return {key: Disagreement(tallies[key].subject, key[1]) for key in shown}


def _claim_key(row: Row) -> tuple[str, str | None] | None:
    """A claim's subject, case and spacing folded, and its unit; None for a claim with no subject or value."""
    subject, value = row.get("subject"), row.get("value")
    if not subject or not isinstance(value, int | float):
        return None
    return " ".join(str(subject).casefold().split()), row.get("unit")


def quotes_by_speaker(rows: Iterable[Row]) -> list[tuple[str, list[Row]]]:
    """Quotes grouped by speaker, most quoted first; unattributed quotes last."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row.get("speaker") or ""].append(row)
    ordered = sorted(groups.items(), key=lambda item: (not item[0], -len(item[1]), item[0]))
    return [(speaker or "(unattributed)", quotes) for speaker, quotes in ordered]


def direction_label(direction: object) -> str:
    return _DIRECTIONS.get(str(direction), "direction unknown")


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else -math.inf


# -- the page -----------------------------------------------------------------------------------
def render_report(store: SQLiteStore, *, title: str = "storytrace report", limit: int = 200) -> str:
    """One HTML document: outlets, articles, then a section per registered exporter."""
    sections = [("articles", "Articles", _articles_section(store, limit))]
    for name in exporter_names():
        rows = section_rows(store, name, limit)
        sections.append((f"section-{name}", name.replace("_", " ").capitalize(), _section(store, name, rows, limit)))
    total, outlets = count_articles(store), articles_per_source(store)
    first, last = publication_range(store)
    lede = f"{total:,} articles from {len(outlets):,} outlets"
    if first and last:
        lede += f", published {_date(first)} to {_date(last)}"
    analyses = ", ".join(exporter_names()) or "none yet (run `storytrace analyze`)"
    nav = " ".join(f'<a href="#{escape(anchor)}">{escape(heading)}</a>' for anchor, heading, _ in sections)
    body = "\n".join(
        f'<section id="{escape(anchor)}">\n<h2>{escape(heading)}</h2>\n{content}\n</section>'
        for anchor, heading, content in sections
    )
    template = Template(files("storytrace.report").joinpath("report.html").read_text(encoding="utf-8"))
    return template.substitute(
        title=escape(title),
        css=files("storytrace.report").joinpath("report.css").read_text(encoding="utf-8"),
        lede=escape(f"{lede}. Analyses: {analyses}."),
        nav=nav,
        body=body,
        version=escape(storytrace.__version__),
    )


def _section(store: SQLiteStore, name: str, rows: list[Row], limit: int) -> str:
    if not rows:
        return '<p class="note">Nothing yet.</p>'
    renderer = _RENDERERS.get(name)
    index = _article_index(store, rows)
    if renderer is None or not fits(name, rows):
        return _generic(rows) + _cut_note(rows, limit, _kept(name))
    content = renderer(rows, index)
    if name == "claims":
        content = _disagreements(store, index, limit) + content
    return content + _cut_note(rows, limit, _kept(name))


def _kept(name: str) -> str:
    return _KEPT.get(name, "Top" if name in _RANK_BY else "First")


def _cut_note(rows: Sized, limit: int, kept: str = "First") -> str:
    return f'<p class="note">{kept} {limit:,} shown.</p>' if len(rows) >= limit else ""


def _articles_section(store: SQLiteStore, limit: int) -> str:
    outlets = "".join(
        f'<tr><td>{escape(source or "(no outlet)")}</td><td class="num">{count:,}</td></tr>'
        for source, count in articles_per_source(store)
    )
    articles = sorted(islice(iter_articles(store), limit), key=lambda a: (a.published_at or "", a.source or ""))
    rows = "".join(
        f"<tr><td>{escape(_date(a.published_at))}</td><td>{escape(a.source or '')}</td>"
        f"<td>{escape(a.title or '(untitled)')}</td><td><code>{escape(a.id)}</code></td></tr>"
        for a in articles
    )
    more = _cut_note(articles, limit)
    return (
        f"<h3>Outlets</h3><table><tr><th>Outlet</th><th>Articles</th></tr>{outlets}</table>"
        f"<h3>Articles</h3><table><tr><th>Date</th><th>Outlet</th><th>Title</th><th>Id</th></tr>{rows}</table>{more}"
    )


# -- section layouts ----------------------------------------------------------------------------
Index = dict[str, Article]


def _reuse(rows: list[Row], index: Index) -> str:
    out = ["<table><tr><th>Article a</th><th>Article b</th><th>Relation</th><th>Score</th><th>Direction</th></tr>"]
    for row in rows:
        relation = str(row["relation"])
        out.append(
            f"<tr><td>{_ref(index, row['a'])}</td><td>{_ref(index, row['b'])}</td>"
            f'<td><span class="badge {escape(relation)}">{escape(relation)}</span></td>'
            f'<td class="num">{escape(_score(row.get("score")))}</td>'
            f"<td>{escape(direction_label(row.get('direction')))}</td></tr>"
        )
        evidence = _aligned(row, index)
        if evidence:
            out.append(f'<tr><td colspan="5">{evidence}</td></tr>')
    out.append("</table>")
    return "".join(out)


def _aligned(row: Row, index: Index) -> str:
    """The aligned passages (and rewritten sentences) of a link, side by side, highlighted."""
    a, b = index.get(str(row["a"])), index.get(str(row["b"]))
    spans = [s for key in ("passages", "sentences") if isinstance(row.get(key), list) for s in row[key]]
    spans = [s for s in spans if isinstance(s, dict)]
    if a is None or b is None or not spans:
        return ""
    pairs = "".join(
        f'<div class="pair"><div>{_excerpt(a.text, s.get("a_start"), s.get("a_end"))}</div>'
        f"<div>{_excerpt(b.text, s.get('b_start'), s.get('b_end'))}</div></div>"
        for s in spans[:_PASSAGES_SHOWN]
    )
    return f"<details><summary>{len(spans)} aligned passage(s)</summary>{pairs}</details>"


def _stories(rows: list[Row], index: Index) -> str:
    out = []
    threads: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        ids = [str(i) for i in row["articles"]]
        heading = row.get("title") or row.get("story_id") or "(untitled story)"
        if row.get("thread_id"):
            threads[str(row["thread_id"])].append(str(heading))
        dated = sorted((index[i] for i in ids[:_TIMELINE_CAP] if i in index), key=lambda a: a.published_at or "9999")
        items = "".join(
            f"<li>{escape(_date(a.published_at))} · {escape(a.source or '')} · {escape(a.title or a.id)} "
            f"<code>{escape(a.id)}</code></li>"
            for a in dated
        )
        more = f"<li>… and {len(ids) - len(dated):,} more</li>" if len(ids) > len(dated) else ""
        meta = f"{len(ids):,} articles"
        if row.get("start") or row.get("end"):
            meta += f", {_date(row.get('start'))} to {_date(row.get('end'))}"
        if row.get("thread_id"):
            meta += f", thread {row['thread_id']}"
        out.append(
            f'<h3>{escape(str(heading))}</h3><p class="meta">{escape(meta)}</p><ol class="timeline">{items}{more}</ol>'
        )
    linked = {t: titles for t, titles in threads.items() if len(titles) > 1}
    if linked:
        out.append("<h3>Threads</h3><table><tr><th>Thread</th><th>Stories</th></tr>")
        out += [f"<tr><td>{escape(t)}</td><td>{escape(' · '.join(s))}</td></tr>" for t, s in linked.items()]
        out.append("</table>")
    return "".join(out)


def _threads(rows: list[Row], index: Index) -> str:
    """A row per thread: its label (what its headlines share, when they share something) and title."""
    cells = "".join(
        f"<tr><td>{f'<strong>{escape(str(label))}</strong> · ' if (label := r.get('label')) else ''}"
        f"{escape(str(r.get('title') or r['thread_id']))}</td>"
        f"<td>{escape(_span(r.get('start'), r.get('end')))}</td>"
        f'<td class="num">{_fmt(r.get("article_count") or 0)}</td>'
        f'<td class="num">{len(r["stories"] or []):,}</td>'
        f"<td>{' '.join(f'<code>{escape(str(s))}</code>' for s in (r['stories'] or [])[:_TIMELINE_CAP])}</td></tr>"
        for r in rows
    )
    return _table(("Thread", "Span", "Articles", "Stories", "Story ids"), cells)


def _span(start: object, end: object) -> str:
    """'start to end', one date when they agree, nothing when undated."""
    first, last = _date(start)[:10], _date(end)[:10]
    if not first or not last or first == last:
        return first or last
    return f"{first} to {last}"


def _timeline(rows: list[Row], index: Index) -> str:
    """Per story (or thread), its events in time order (undated last): each with the sentence that
    states it and the articles that have it."""
    out = []
    for row in rows:
        events = [e for e in row["events"] or [] if isinstance(e, dict)]
        shown = shown_events(events)
        items = "".join(
            f"<li>{escape(_span(e.get('when'), e.get('until') or e.get('when')) or 'undated')} · "
            f"{escape(str(e.get('kind') or ''))} · "
            f"{escape(_clip(str(e.get('context') or e.get('text') or ''), 200))} — {_event_articles(index, e)}</li>"
            for e in shown
        )
        more = (
            f"<li>… and {len(events) - len(shown):,} more (shown: the dates the most articles state; the export "
            "has every event)</li>"
            if len(events) > len(shown)
            else ""
        )
        title = row.get("title") or row.get("story_id") or row.get("thread_id") or "(untitled)"
        out.append(f'<h3>{escape(str(title))}</h3><ol class="timeline">{items}{more}</ol>')
    return "".join(out)


def shown_events(events: list[Row], cap: int = _TIMELINE_CAP) -> list[Row]:
    """The events a timeline shows, in time order (undated last): all of them, or past `cap` those on the
    days, then weeks, months and years, that the most articles state (as their publication day, or in their
    text), at most _EVENTS_PER_DATE of each date while others wait (published ones first, then the latest).
    In time order alone, a thread of 2016 primaries showed 1908, 1949 and 1952 (asides in its oldest
    history) and cut every event of the campaign itself; by the articles alone, it showed forty readings of
    "this year"; without the share per date, four days of it."""
    ordered = sorted(events, key=lambda e: str(e.get("when") or "~"))
    if len(ordered) <= cap:
        return ordered
    stating: dict[str, set[str]] = defaultdict(set)
    for event in ordered:
        stating[str(event.get("when"))].update(str(a) for a in event.get("articles") or [])
    within: dict[int, int] = {}  # each event's place among those of its date, published ones first
    seen: dict[str, int] = defaultdict(int)
    for i in sorted(range(len(ordered)), key=lambda i: (ordered[i].get("kind") != "published", -i)):
        when = str(ordered[i].get("when"))
        within[i], seen[when] = seen[when], seen[when] + 1

    def salience(i: int) -> tuple[bool, int, int, int, int]:
        event = ordered[i]
        support = len(stating[str(event["when"])]) if event.get("when") else 0
        fineness = _FINENESS.get(str(event.get("granularity")), -1)
        return within[i] < _EVENTS_PER_DATE, fineness, support, -within[i], i

    kept = set(heapq.nlargest(cap, range(len(ordered)), key=salience))
    return [event for i, event in enumerate(ordered) if i in kept]


def _event_articles(index: Index, event: Row) -> str:
    """The first article that has the event, and how many more do."""
    ids = [str(a) for a in event.get("articles") or []]
    if not ids:
        return ""
    more = f' <span class="meta">and {len(ids) - 1:,} more</span>' if len(ids) > 1 else ""
    return _ref(index, ids[0]) + more


_CHANGE_WORDS = {
    "merge": "merged into",
    "split": "split off",
    "remove": "lost an article",
    "dissolve": "dissolved",
    "thread_merge": "thread folded into",
    "thread_move": "thread gave a story to",
    "thread_dissolve": "thread dissolved",
}


def _changes(rows: list[Row], index: Index) -> str:
    """The change log of story and thread ids as given (the report keeps the latest): what happened to an
    id, what received its articles, and which id holds them now, so an id from an earlier export is traced."""
    cells = "".join(
        f"<tr><td>{escape(_date(r.get('at')))}</td><td><code>{escape(str(r['id']))}</code></td>"
        f"<td>{escape(_CHANGE_WORDS.get(str(r['kind']), str(r['kind'])))}</td>"
        f"<td>{_code(r.get('into'))}</td><td>{_code(r['now']) or 'gone'}</td>"
        f"<td>{_change_reason(r, index)}</td></tr>"
        for r in rows
    )
    return _table(("When", "Id", "Change", "Into", "Held now by", "Why"), cells)


def _change_reason(row: Row, index: Index) -> str:
    """The article that caused a change (bridged a merge, changed, left last) and the logged detail; a
    merge with neither is a consolidation: the two stories matched as wholes."""
    article = _ref(index, row["article_id"]) if row.get("article_id") else ""
    reason = " ".join(p for p in (article, escape(str(row.get("detail") or ""))) if p)
    return reason or ("the stories matched" if row["kind"] == "merge" else "")


def _code(value: object) -> str:
    return f"<code>{escape(str(value))}</code>" if value else ""


def _quotes(rows: list[Row], index: Index) -> str:
    out = []
    for speaker, quotes in quotes_by_speaker(rows):
        out.append(f'<h3>{escape(speaker)} <span class="meta">({len(quotes):,})</span></h3>')
        for q in quotes:
            meta = " · ".join(str(p) for p in (q.get("kind"), q.get("cue")) if p)
            out.append(
                f"<blockquote>{escape(_clip(str(q['text']), 600))}"
                f'<div class="meta">{escape(meta)} — {_ref(index, q["article"])}</div></blockquote>'
            )
    return "".join(out)


def _entities(rows: list[Row], index: Index) -> str:
    cells = "".join(
        f"<tr><td>{escape(str(r['name']))}</td><td>{escape(str(r.get('type') or ''))}</td>"
        f"<td>{escape(', '.join(str(a) for a in r.get('aliases') or []))}</td>"
        f'<td class="num">{escape(_fmt(r.get("mentions")))}</td></tr>'
        for r in rows
    )
    return _table(("Name", "Type", "Aliases", "Mentions"), cells)


def _claims(rows: list[Row], index: Index) -> str:
    cells = "".join(
        f'<tr><td>{_ref(index, r["article"])}</td><td class="num">{escape(_fmt(r["value"]))}</td>'
        f"<td>{escape(str(r.get('unit') or ''))}</td><td>{escape(str(r.get('subject') or ''))}</td>"
        f"<td>{escape(_clip(str(r['text']), 300))}</td></tr>"
        for r in rows
    )
    return (
        "<h3>Claims</h3><table><tr><th>Article</th><th>Value</th><th>Unit</th><th>Subject</th><th>Text</th></tr>"
        f"{cells}</table>"
    )


def _disagreements(store: SQLiteStore, index: Index, limit: int) -> str:
    groups = disagreeing_claims(partial(load_stages().exporters["claims"], store), limit)
    if not groups:
        return '<h3>Where sources disagree</h3><p class="note">No subject with differing values.</p>'
    index.update((a.id, a) for a in get_articles(store, {str(c["article"]) for g in groups for c in g.claims}))
    out = ["<h3>Where sources disagree</h3>"]
    for group in groups:
        rows = "".join(
            f'<tr><td class="num">{escape(_fmt(c["value"]))}</td><td>{_ref(index, c["article"])}</td>'
            f"<td>{escape(_clip(str(c.get('text') or ''), 200))}</td></tr>"
            for c in sorted(group.claims, key=lambda c: str(_published(index, c["article"])))
        )
        out.append(
            f"<h4>{escape(group.label)}</h4><table><tr><th>Value</th><th>Article</th><th>Text</th></tr>{rows}</table>"
        )
    return "".join(out) + _cut_note(groups, limit, "Top")


def _generic(rows: list[Row]) -> str:
    """A table of the rows' keys, for exporters whose shape the report does not know."""
    columns = list(dict.fromkeys(str(key) for row in rows for key in row))
    body = "".join("<tr>" + "".join(f"<td>{escape(_cell(row.get(c)))}</td>" for c in columns) + "</tr>" for row in rows)
    return _table(columns, body)


def _table(headings: Iterable[str], body: str) -> str:
    """A table under `headings` (escaped here) around `body`, rows of cells its caller escaped."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    return f"<table><tr>{head}</tr>{body}</table>"


_RENDERERS: dict[str, Callable[[list[Row], Index], str]] = {
    "reuse": _reuse,
    "stories": _stories,
    "threads": _threads,
    "timeline": _timeline,
    "thread_timeline": _timeline,
    "changes": _changes,
    "quotes": _quotes,
    "entities": _entities,
    "claims": _claims,
}


# -- small helpers ------------------------------------------------------------------------------
def _article_index(store: SQLiteStore, rows: list[Row]) -> Index:
    """The articles a section refers to (by `article`, `a`, `b`, `article_id` or `articles`), fetched in one go."""
    ids: set[str] = set()
    for row in rows:
        ids.update(str(row[k]) for k in ("article", "a", "b", "article_id") if isinstance(row.get(k), str))
        if isinstance(row.get("articles"), list):
            ids.update(str(i) for i in row["articles"][:_TIMELINE_CAP])
        if isinstance(row.get("events"), list):
            ids.update(
                str(e["article"]) for e in row["events"][:_TIMELINE_CAP] if isinstance(e, dict) and "article" in e
            )
    return {a.id: a for a in get_articles(store, ids)}


def _ref(index: Index, article_id: object) -> str:
    article = index.get(str(article_id))
    code = f"<code>{escape(str(article_id))}</code>"
    if article is None:
        return code
    meta = " · ".join(p for p in (article.source, _date(article.published_at)) if p)
    return f'{escape(article.title or "(untitled)")} <span class="meta">{escape(meta)}</span> {code}'


def _published(index: Index, article_id: object) -> str:
    article = index.get(str(article_id))
    return (article.published_at if article else None) or ""


def _excerpt(text: str, start: object, end: object) -> str:
    """The span [start, end) of `text` highlighted, with some context each side; long spans elided."""
    if not isinstance(start, int) or not isinstance(end, int):
        return ""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    before = text[max(0, start - _EXCERPT_CONTEXT) : start]
    after = text[end : end + _EXCERPT_CONTEXT]
    marked = text[start:end]
    if len(marked) > _EXCERPT_MARK:
        half = _EXCERPT_MARK // 2
        marked = f"{marked[:half]} … {marked[-half:]}"
    lead = "…" if start > _EXCERPT_CONTEXT else ""
    tail = "…" if end + _EXCERPT_CONTEXT < len(text) else ""
    return f"{escape(lead + before)}<mark>{escape(marked)}</mark>{escape(after + tail)}"


def _date(value: object) -> str:
    return str(value)[:16].replace("T", " ") if value else ""


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)


def _score(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, int | float) and not isinstance(value, bool) else ""


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _cell(value: object) -> str:
    if isinstance(value, list | dict):
        return _clip(json.dumps(value, ensure_ascii=False), 300)
    return _clip(_fmt(value), 300)
