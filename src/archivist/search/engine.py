"""Searching the index: ranked documents with snippets and facets, browsing, keyword in
context and collocates. `SearchIndex` is opened once and reused (the reading room keeps one);
the module functions in `archivist.search` open one per archive and cache it.
"""

from __future__ import annotations

import heapq
import html
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import tantivy

from archivist.model import PART_KINDS
from archivist.search.analysis import EXACT, STOPWORDS, Matcher, fold, words
from archivist.search.index import (
    NO_DATE,
    PART_SLOTS,
    SearchError,
    index_path,
    open_tantivy,
    read_facet_table,
    read_manifest,
    stale_reason,
)
from archivist.search.query import Compiled, Fielded, Node, Not, compile_query, parse

FACETS = {
    "author": ("terms", "author_f"),
    "decade": ("histogram", "year"),
    "year": ("histogram", "year"),
    "source": ("terms", "source_f"),
    "type": ("terms", "type"),
    "lang": ("terms", "lang"),
    "part": ("terms", "part"),
}
FACET_ALIASES = {"language": "lang", "authors": "author", "source_title": "source", "doc_type": "type"}
SORTS = ("relevance", "date", "-date", "title", "path")
SNIPPET_CHARS = 240
# Which documents match is a histogram of doc_part; tantivy allows 65,000 buckets in one aggregation,
# so a query matching more is counted in ranges of keys, halved down to this wide at least.
HISTOGRAM_CHUNK = 60_000
CACHED_QUERIES = 256  # parsed query trees kept (a reading room's queries repeat: pages, facet links)


class FacetTable:
    """facets.json as arrays indexed by doc_ord: each facet's values coded as small integers, so the
    counts over the matching documents are one numpy bincount per facet (no Python per document).
    Authors, several per document, are (document, author) pairs."""

    def __init__(self, rows: dict[str, list[Any]]) -> None:
        values = list(rows.values())  # [doc_ord, year, type, lang, source, authors, has entities]
        size = max((int(v[0]) for v in values), default=-1) + 1
        ords = np.fromiter((int(v[0]) for v in values), dtype=np.int64, count=len(values))
        self.size = size
        self.present = np.zeros(size, dtype=bool)  # holes: documents deleted by an update
        self.present[ords] = True
        self.documents = len(values)
        self.labels: dict[str, list[Any]] = {}
        self.codes: dict[str, np.ndarray] = {}
        for name, column in (("year", 1), ("type", 2), ("lang", 3), ("source", 4)):
            coded = np.full(size, -1, dtype=np.int32)
            labels: dict[Any, int] = {}
            for o, v in zip(ords.tolist(), values, strict=True):
                if v[column] is not None:
                    coded[o] = labels.setdefault(v[column], len(labels))
            self.codes[name] = coded
            self.labels[name] = list(labels)
        years = self.labels["year"]  # decades: a code per decade, mapped from the year's code
        decades: dict[int, int] = {}
        year_to_decade = np.array(
            [decades.setdefault(y - y % 10, len(decades)) for y in years] or [0], np.int32
        )
        self.codes["decade"] = np.where(self.codes["year"] >= 0, year_to_decade[self.codes["year"]], -1)
        self.labels["decade"] = list(decades)
        authors: dict[str, int] = {}
        pair_doc: list[int] = []
        pair_author: list[int] = []
        for o, v in zip(ords.tolist(), values, strict=True):
            for name in dict.fromkeys(v[5]):
                pair_doc.append(o)
                pair_author.append(authors.setdefault(name, len(authors)))
        self.pair_doc = np.array(pair_doc, dtype=np.int64)
        self.pair_author = np.array(pair_author, dtype=np.int64)
        self.labels["author"] = list(authors)

    def __len__(self) -> int:
        return self.documents

    def mask(self, ords: np.ndarray | list[int] | None) -> np.ndarray:
        """Which documents (by doc_ord) are among `ords` (None: every document)."""
        if ords is None:
            return self.present
        mask = np.zeros(self.size, dtype=bool)
        picked = np.asarray(ords, dtype=np.int64)
        mask[picked[(picked >= 0) & (picked < self.size)]] = True
        return mask & self.present

    def count(self, name: str, mask: np.ndarray) -> Counter[Any]:
        """Documents of `mask` per value of facet `name`."""
        labels = self.labels[name]
        if name == "author":
            codes = self.pair_author[mask[self.pair_doc]]
        else:
            codes = self.codes[name][mask]
            codes = codes[codes >= 0]
        counts = np.bincount(codes, minlength=len(labels)) if len(labels) else np.zeros(0, np.int64)
        return Counter({labels[i]: int(counts[i]) for i in np.flatnonzero(counts).tolist()})


@dataclass
class PassageRef:
    part: str
    start: int
    end: int


@dataclass
class Hit:
    id: str
    path: str
    title: str | None
    authors: list[str]
    date: str | None
    score: float
    snippet: str
    passage: PassageRef
    type: str | None = None
    lang: str | None = None
    source: str | None = None
    place: str | None = None
    matches: int = 1  # passages of this document among those ranked

    def to_dict(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies field by field, a tenth of a search's time
        p = self.passage
        return {"id": self.id, "path": self.path, "title": self.title, "authors": list(self.authors),
                "date": self.date, "score": self.score, "snippet": self.snippet,
                "passage": {"part": p.part, "start": p.start, "end": p.end}, "type": self.type,
                "lang": self.lang, "source": self.source, "place": self.place, "matches": self.matches}  # fmt: skip


@dataclass
class SearchResult:
    query: str
    total: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    offset: int = 0
    limit: int = 10
    warnings: list[str] = field(default_factory=list)
    relaxed: bool = False  # hits past `total` hold only some of the words

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "took_ms": self.took_ms,
            "offset": self.offset,
            "limit": self.limit,
            "hits": [h.to_dict() for h in self.hits],
            "facets": self.facets,
            "warnings": self.warnings,
            "relaxed": self.relaxed,
        }


def _first(doc: dict[str, list[Any]], name: str) -> Any:
    values = doc.get(name) or []
    return values[0] if values else None


def highlight(text: str, spans: list[tuple[int, int]], chars: int = SNIPPET_CHARS) -> str:
    """A window of about `chars` characters of `text` around the densest run of matches, HTML
    escaped, matches in <b>…</b>, cut ends marked with …"""
    text_len = len(text)
    if not spans:
        start, end = 0, min(text_len, chars)
    else:
        best, best_count = spans[0][0], 0
        reach = chars * 2 // 3
        j = 0
        for i, (a, _) in enumerate(spans):  # spans are in text order: a sliding window
            j = max(j, i)
            while j < len(spans) and spans[j][1] <= a + reach:
                j += 1
            if j - i > best_count:
                best, best_count = a, j - i
        start = max(0, best - chars // 3)
        end = min(text_len, start + chars)
        start = max(0, min(start, end - chars))
    if start > 0:
        space = text.find(" ", start, start + 30)
        start = space + 1 if space >= 0 else start
    if end < text_len:
        space = text.rfind(" ", end - 30, end)
        end = space if space > start else end
    out: list[str] = ["…"] if start > 0 else []
    cursor = start
    for a, b in spans:
        if a < start or b > end:
            continue
        out.append(html.escape(text[cursor:a]))
        out.append("<b>" + html.escape(text[a:b]) + "</b>")
        cursor = b
    out.append(html.escape(text[cursor:end]))
    if end < text_len:
        out.append("…")
    return re.sub(r"\s+", " ", "".join(out)).strip()


class SearchIndex:
    """An opened search index (archive.index/ beside an archive)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        manifest = read_manifest(self.folder) if self.folder.exists() else None
        if not self.folder.exists():
            raise SearchError(
                f"{self.folder}: no search index; build it with `archivist reindex --db {_db_of(self.folder)}`"
            )
        reason = stale_reason(manifest)
        if reason is not None:
            raise SearchError(
                f"{self.folder}: the search index is stale ({reason}); rebuild it with "
                f"`archivist reindex --db {_db_of(self.folder)}`"
            )
        assert manifest is not None
        self.manifest = manifest
        try:
            self.index = open_tantivy(self.folder)
        except ValueError as err:
            raise SearchError(f"{self.folder}: the search index cannot be read ({err}); rebuild it with "
                              f"`archivist reindex --db {_db_of(self.folder)}`") from err  # fmt: skip
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.languages = self._languages()
        self._table: FacetTable | None = None
        self._parsed: dict[str, Node | None] = {}
        self._compiled: dict[tuple[str, bool], Compiled] = {}

    @classmethod
    def for_archive(cls, db: str | Path) -> SearchIndex:
        return cls(index_path(db))

    def reload(self) -> None:
        """See what writers committed since (cheap; readers never see half a batch)."""
        self.index.reload()
        self.searcher = self.index.searcher()
        self.manifest = read_manifest(self.folder) or self.manifest
        self.languages = self._languages()
        self._table = None
        self._compiled.clear()  # compiled for the languages the index had

    def facet_table(self) -> FacetTable:
        """Every indexed document's facet values, read from facets.json on first use (a document
        the searcher sees but the table lacks — written since — is left out of the counts until
        the next reload)."""
        if self._table is None:
            self._table = FacetTable(read_facet_table(self.folder) or {})
        return self._table

    def _languages(self) -> list[str]:
        if self.searcher.num_docs == 0:
            return []
        agg = self.searcher.aggregate(
            tantivy.Query.all_query(), {"l": {"terms": {"field": "lang", "size": 100}}}
        )
        return sorted(b["key"] for b in agg["l"]["buckets"])

    @property
    def passages(self) -> int:
        return int(self.searcher.num_docs)

    # -- queries ------------------------------------------------------------------------------------
    def compile(self, query: str | Node | None, default_and: bool = True) -> Compiled | None:
        node = self.parse(query) if isinstance(query, str) else query
        if node is None:
            return None
        return self._compile(node, default_and)

    def parse(self, query: str) -> Node | None:
        """The query's tree (parsed once per distinct query string: kept, as the trees are
        never changed)."""
        if query in self._parsed:
            return self._parsed[query]
        node = parse(query)
        if len(self._parsed) >= CACHED_QUERIES:
            self._parsed.clear()
        self._parsed[query] = node
        return node

    def _compile(self, node: Node, default_and: bool = True) -> Compiled:
        if not self.manifest.get("with_entities") and "entity" in _field_names(node):
            raise SearchError(
                "entity: the search index has no entities yet; run `archivist enrich --db "
                f"{_db_of(self.folder)}` (it brings the index in step), then search again"
            )
        key = (repr(node), default_and)  # the tree's text: equal trees, equal queries
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = compile_query(node, self.schema, self.languages, default_and)
            if len(self._compiled) >= CACHED_QUERIES:
                self._compiled.clear()
            self._compiled[key] = compiled
        return compiled

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        facets: list[str] | tuple[str, ...] = (),
        sort: str = "relevance",
        snippet_chars: int = SNIPPET_CHARS,
        filters: Node | None = None,
    ) -> SearchResult:
        """Documents matching `query`, best first (or by `sort`), `limit` from `offset`, with a
        snippet of the best passage of each and document counts per facet value."""
        started = time.perf_counter()
        node = self.parse(query)
        if filters is not None:
            node = filters if node is None else _and(node, filters)
        facet_names = [_facet_name(f) for f in facets]
        if sort not in SORTS:
            raise SearchError(f"sort: one of {', '.join(SORTS)}")
        if node is None:
            compiled = None
            q = tantivy.Query.all_query()
        else:
            compiled = self._compile(node)
            q = compiled.query
        warnings: list[str] = []
        relaxed = False
        browse = compiled is None or not compiled.has_text
        facet_counts: dict[str, dict[str, int]] = {}
        matched: int | None = None  # documents matching, when the facets' aggregation counted them
        if facet_names:
            facet_counts, matched = self._facets(q, facet_names, everything=node is None)
        total: int | None
        if browse and not (compiled and compiled.filters_part):
            hits, total = self._browse(q, limit, offset, sort if sort != "relevance" else "date")
        else:
            hits, total, relaxed = self._ranked(q, compiled, limit, offset, sort, snippet_chars, node)
            if relaxed:
                warnings.append(
                    "few passages hold all the words; documents with passages holding some of them follow"
                )
            if total is None:
                total = matched if matched is not None else int(self.searcher.cardinality(q, "doc_ord"))
        took = round((time.perf_counter() - started) * 1000, 2)
        return SearchResult(query, total, took, hits, facet_counts, offset, limit, warnings, relaxed)

    def _first_passages(self, q: tantivy.Query) -> tantivy.Query:
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, q), (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "first", 1))]
        )

    def _browse(self, q: tantivy.Query, limit: int, offset: int, sort: str) -> tuple[list[Hit], int]:
        """Documents (their first passages) matching filters only, in `sort` order."""
        fq = self._first_passages(q)
        order_field = {"date": "sort_date", "-date": "sort_date", "title": "title_sort", "path": "path"}[sort]
        order = tantivy.Order.Desc if sort == "-date" else tantivy.Order.Asc
        result = self.searcher.search(fq, limit=limit, offset=offset, order_by_field=order_field, order=order)
        hits = []
        for _key, address in result.hits:
            doc = self.searcher.doc(address).to_dict()
            text = _first(doc, EXACT) or ""
            hits.append(self._hit(doc, 0.0, highlight(text, [], SNIPPET_CHARS), 1))
        return hits, int(getattr(result, "count", 0) or 0)

    def _ranked(
        self, q: tantivy.Query, compiled: Compiled | None, limit: int, offset: int, sort: str, snippet_chars: int,
        node: Node | None = None,
    ) -> tuple[list[Hit], int | None, bool]:  # fmt: skip
        """Passages by BM25, rolled up to documents: a document scores as its best passage, plus
        a little for each further matching passage among those ranked. When words typed side by
        side are not all in any one passage of enough documents, documents with passages holding
        some of them follow (`relaxed`). The total is None when the ranking did not see every
        match (the caller counts the documents then)."""
        want = offset + limit
        ranked, counts, total = self._rank(q, want)
        relaxed = False
        if compiled is not None and compiled.relaxable and node is not None and len(ranked) < want:
            loose = self._compile(node, default_and=False)
            more, more_counts, _ = self._rank(loose.query, want)
            seen = {n for _s, n, _a in ranked}
            extra = [r for r in more if r[1] not in seen]
            if extra:
                relaxed = True
                ranked += extra
                for n, c in more_counts.items():
                    counts.setdefault(n, c)
        if sort != "relevance":
            ranked = self._sorted_ranked(ranked, sort)
        matcher = compiled.matcher if compiled else Matcher()
        hits = []
        for score, number, address in ranked[offset:want]:  # stored fields and snippets: the page shown only
            doc = self.searcher.doc(address).to_dict()
            text = _first(doc, EXACT) or ""
            spans = matcher.spans(text, _first(doc, "lang")) if matcher else []
            hits.append(
                self._hit(doc, round(score, 4), highlight(text, spans, snippet_chars), counts[number])
            )
        return hits, total, relaxed

    def _rank(
        self, q: tantivy.Query, want: int
    ) -> tuple[list[tuple[float, int, Any]], dict[int, int], int | None]:
        """The best passage of each of the `want` best documents (score, doc_num, address),
        passages per document among those ranked, and the number of matching documents when
        every matching passage was seen (None otherwise)."""
        # 30 passages per document wanted: a title match lifts every passage of its document, so
        # the best 100 passages of a prefix can come from two documents (a second pass over every
        # match costs far more than a longer heap)
        fetch = max(300, want * 30)
        while True:
            # no count of every match (tantivy would visit each one): fewer than asked is the end
            result = self.searcher.search(q, limit=fetch, count=False)
            addresses = [address for _score, address in result.hits]
            numbers = self.searcher.fast_field_values("doc_num", addresses) if addresses else []
            best: dict[int, tuple[float, Any]] = {}
            counts: Counter[int] = Counter()
            for (score, address), value in zip(result.hits, numbers, strict=True):
                number = int(value or 0)
                counts[number] += 1
                if number not in best:
                    best[number] = (score, address)
            exhausted = len(addresses) < fetch
            if len(best) >= want or exhausted:
                break
            fetch *= 8  # too few documents among these passages
        # ties (the same text in two files) in a stable order, whatever the segments' layout
        ranked = sorted(((s, n, a) for n, (s, a) in best.items()), key=lambda x: (-x[0], x[1]))
        return ranked, dict(counts), len(best) if exhausted else None

    def _sorted_ranked(self, ranked: list[Any], sort: str) -> list[Any]:
        addresses = [a for _s, _n, a in ranked]
        if sort in ("date", "-date"):
            keys = self.searcher.fast_field_values("sort_date", addresses)
            paired = sorted(
                zip(keys, ranked, strict=True), key=lambda kv: kv[0] or NO_DATE, reverse=sort == "-date"
            )
            return [r for _k, r in paired]
        name = "title" if sort == "title" else "path"
        keyed = [((_first(self.searcher.doc(r[2]).to_dict(), name) or "").casefold(), r) for r in ranked]
        return [r for _k, r in sorted(keyed, key=lambda kv: kv[0])]

    def _hit(self, doc: dict[str, list[Any]], score: float, snippet: str, matches: int) -> Hit:
        return Hit(
            id=_first(doc, "doc_key"),
            path=_first(doc, "path"),
            title=_first(doc, "title"),
            authors=list(doc.get("authors") or []),
            date=_first(doc, "date"),
            score=score,
            snippet=snippet,
            passage=PassageRef(_first(doc, "part"), int(_first(doc, "start")), int(_first(doc, "end"))),
            type=_first(doc, "type"),
            lang=_first(doc, "lang"),
            source=_first(doc, "source"),
            place=_first(doc, "place"),
            matches=matches,
        )

    def _facets(
        self, q: tantivy.Query, names: list[str], everything: bool = False
    ) -> tuple[dict[str, dict[str, int]], int | None]:
        """Documents (not passages) per facet value, and the number of documents matching. One
        histogram of doc_part (doc_ord × 16 + part) over the matching passages says which
        documents matched and in which of their parts; the document facets are then counted
        from the facet table's arrays, the part facet from the keys themselves.
        `everything`: the query matches every passage, so every document in the table."""
        table = self.facet_table()
        if not len(table) and self.passages:  # an index without its table: count inside tantivy
            return self._facets_in_tantivy(q, names), None
        keys: np.ndarray | None = None
        if "part" in names or not everything:
            keys = self.matching_keys(q)
            if keys is None:
                return self._facets_in_tantivy(q, names), None
        mask = table.mask(None if everything or keys is None else keys // PART_SLOTS)
        out: dict[str, dict[str, int]] = {}
        for name in names:
            if name == "part":
                assert keys is not None
                per_part = np.bincount(keys % PART_SLOTS, minlength=PART_SLOTS)  # a key per (document, part)
                counter = Counter(
                    {_part_name(i): int(per_part[i]) for i in np.flatnonzero(per_part).tolist()}
                )
            else:
                counter = table.count(name, mask)
            out[name] = _facet_values(name, counter)
        return out, int(np.count_nonzero(mask))

    def matching_keys(self, q: tantivy.Query) -> np.ndarray | None:
        """The doc_part keys of the passages matching `q` (each once), in one histogram
        aggregation over doc_part — or, when tantivy refuses that many buckets (65,000), in
        ranges of keys, halved until each fits. None when even that fails."""
        ranges = [(0, max(1, self.facet_table().size) * PART_SLOTS - 1)]
        found: list[np.ndarray] = []
        while ranges:
            lo, hi = ranges.pop()
            spec = {"k": {"histogram": {"field": "doc_part", "interval": 1, "min_doc_count": 1,
                                        "hard_bounds": {"min": lo, "max": hi}}}}  # fmt: skip
            try:
                raw = self.searcher.aggregate(q, spec)
            except ValueError:  # too many buckets for one aggregation
                if hi - lo < 2 * HISTOGRAM_CHUNK:
                    return None
                mid = (lo + hi) // 2
                ranges += [(mid + 1, hi), (lo, mid)]
                continue
            buckets = raw["k"].get("buckets", [])
            found.append(np.fromiter((b["key"] for b in buckets), dtype=np.float64, count=len(buckets)))
        keys = np.concatenate(found) if found else np.zeros(0)
        return keys.astype(np.int64)

    def _facets_in_tantivy(self, q: tantivy.Query, names: list[str]) -> dict[str, dict[str, int]]:
        """Documents per facet value inside tantivy: a cardinality of doc_num per bucket."""
        docs = {"docs": {"cardinality": {"field": "doc_num"}}}
        spec: dict[str, Any] = {}
        for name in names:
            kind, field_name = FACETS[name]
            if kind == "terms":
                spec[name] = {"terms": {"field": field_name, "size": 20}, "aggs": docs}
            else:
                spec[name] = {"histogram": {"field": field_name, "interval": 10 if name == "decade" else 1},
                              "aggs": docs}  # fmt: skip
        raw = self.searcher.aggregate(q, spec)
        out: dict[str, dict[str, int]] = {}
        for name in names:
            counter: Counter[Any] = Counter()
            for bucket in raw.get(name, {}).get("buckets", []):
                counter[bucket["key"]] = round(bucket["docs"]["value"])
            out[name] = _facet_values(name, counter)
        return out

    # -- reading matches closely --------------------------------------------------------------------
    def matching_passages(
        self, query: str, max_passages: int = 2000
    ) -> tuple[Compiled, list[dict[str, Any]]]:
        node = self.parse(query)
        if node is None:
            raise SearchError("query: empty query")
        compiled = self._compile(node)
        if not compiled.has_text:
            raise SearchError("query: needs words to look for, not only fields")
        result = self.searcher.search(compiled.query, limit=max_passages, count=False)
        return compiled, [self.searcher.doc(address).to_dict() for _s, address in result.hits]

    def kwic(self, query: str, width: int = 60, sort: str | None = None, max_lines: int = 1000,
             max_passages: int = 2000) -> list[dict[str, Any]]:  # fmt: skip
        """Every match in context: `width` characters each side, one line per match."""
        compiled, docs = self.matching_passages(query, max_passages)
        lines: list[dict[str, Any]] = []
        for doc in docs:
            text = _first(doc, EXACT) or ""
            start = int(_first(doc, "start"))
            for a, b in _merge_spans(text, compiled.matcher.spans(text, _first(doc, "lang"))):
                left = re.sub(r"\s+", " ", text[max(0, a - width * 2) : a])[-width:]
                right = re.sub(r"\s+", " ", text[b : b + width * 2])[:width]
                lines.append({"id": _first(doc, "doc_key"), "path": _first(doc, "path"), "title": _first(doc, "title"),
                              "date": _first(doc, "date"), "part": _first(doc, "part"), "start": start + a,
                              "end": start + b, "left": left, "match": re.sub(r"\s+", " ", text[a:b]), "right": right})  # fmt: skip
                if len(lines) >= max_lines:
                    break
            if len(lines) >= max_lines:
                break
        if sort == "left":
            lines.sort(key=lambda line: [w.casefold() for w in reversed(re.findall(r"\w+", line["left"]))])
        elif sort == "right":
            lines.sort(key=lambda line: [w.casefold() for w in re.findall(r"\w+", line["right"])])
        return lines

    def collocates(self, query: str, window: int = 5, top: int = 30, min_count: int = 2,
                   stopwords: bool = False, max_passages: int = 5000) -> dict[str, Any]:  # fmt: skip
        """Words within `window` words of a match, by logDice (Rychlý 2008): 14 + log2(2·f(xy) /
        (f(x) + f(y))), frequencies counted in the matching passages. Function words are left
        out unless `stopwords`."""
        compiled, docs = self.matching_passages(query, max_passages)
        together: Counter[str] = Counter()
        frequency: Counter[str] = Counter()
        nodes = 0
        for doc in docs:
            text = _first(doc, EXACT) or ""
            language = _first(doc, "lang")
            spans = words(text)
            forms = [(fold(text[a:b]) or [""])[0] for a, b in spans]
            frequency.update(forms)
            hits = [i for i, (a, b) in enumerate(spans) if compiled.matcher.matches(text[a:b], language)]
            hit_set = set(hits)
            nodes += len(hits)
            for i in hits:
                for j in range(max(0, i - window), min(len(forms), i + window + 1)):
                    if j not in hit_set:
                        together[forms[j]] += 1
        rows: list[dict[str, Any]] = []
        for word, count in together.items():
            if count < min_count or not word or word.isdigit() or (not stopwords and word in STOPWORDS):
                continue
            score = 14 + math.log2(2 * count / (nodes + frequency[word]))
            rows.append(
                {"word": word, "count": count, "frequency": frequency[word], "log_dice": round(score, 3)}
            )
        rows.sort(key=lambda r: (-float(r["log_dice"]), -int(r["count"]), str(r["word"])))
        return {
            "query": query,
            "window": window,
            "matches": nodes,
            "passages": len(docs),
            "collocates": rows[:top],
        }


def _facet_values(name: str, counter: Counter[Any]) -> dict[str, int]:
    """A facet's values as shown: years and decades in order, the rest most documents first (20)."""
    if name in ("year", "decade"):
        per: Counter[int] = Counter()
        for key, count in counter.items():
            if key is None or count <= 0:
                continue
            year = int(key)
            per[year - year % 10 if name == "decade" else year] += count
        return {(f"{k}s" if name == "decade" else str(k)): v for k, v in sorted(per.items())}
    top = heapq.nsmallest(20, ((-v, str(k)) for k, v in counter.items() if v > 0))
    return {k: -v for v, k in top}


def _merge_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent matched words (a phrase) as one span."""
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and re.fullmatch(r"[\s\W]{0,3}", text[merged[-1][1] : a]):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _part_name(code: int) -> str:
    return PART_KINDS[code] if code < len(PART_KINDS) else "other"


def _field_names(node: Node) -> set[str]:
    """The fields a query tree names."""
    if isinstance(node, Fielded):
        return {node.name}
    children = [node.child] if isinstance(node, Not) else getattr(node, "children", [])
    return set().union(*(_field_names(c) for c in children)) if children else set()


def _and(a: Node, b: Node) -> Node:
    from archivist.search.query import And

    return And([a, b])


def _facet_name(name: str) -> str:
    name = FACET_ALIASES.get(name.strip().lower(), name.strip().lower())
    if name not in FACETS:
        raise SearchError(f"facets: unknown facet '{name}'; facets are {', '.join(FACETS)}")
    return name


def _db_of(folder: Path) -> str:
    return str(folder.with_name(folder.name.removesuffix(".index") + ".db"))


def filters_node(
    author: str | None = None,
    year: str | None = None,
    doc_type: str | None = None,
    lang: str | None = None,
    source: str | None = None,
    place: str | None = None,
    date: str | None = None,
) -> Node | None:
    """Browse options as a query tree (validated like the query language's fields)."""
    from archivist.search.query import And, Token, _check_field

    nodes: list[Node] = []
    for name, value in (("author", author), ("year", year), ("type", doc_type), ("lang", lang),
                        ("source", source), ("place", place), ("date", date)):  # fmt: skip
        if value:
            checked: Fielded = _check_field(
                Token("field", str(value), 0, name=name, quoted=" " in str(value))
            )
            nodes.append(checked)
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(nodes)
