"""The archive's entities: the `mentions` layer resolved across documents, and what a historian asks
of it (who is named, how often, where, beside whom, when).

The mentions stage links each mention within one document: to the authority file, or to a new
entity of the archive (`person:x-<given-surname>`). `Entities(archive).rebuild()` then clusters the
archive's own people across documents — one surname, compatible given names, and for a surname
alone a shared context (another entity both documents name) — and writes the tables `entities` and
`entity_mentions`. Two different given names are never merged, nor a name the authority file gives
to someone else. The rebuild is whole and idempotent: it is a view of the mentions layer.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from typing import Any

from archivist.store.archive import Archive

ARCHIVE_PREFIX = ":x-"


def _person_parts(name: str) -> tuple[str, list[str]] | None:
    from archivist.enrich.names import person_parts

    return person_parts(name)


def _compatible(a: list[str], b: list[str]) -> bool:
    from archivist.enrich.names import given_compatible

    return given_compatible(a, b)


class Entities:
    """Entity tables of one archive (tables `entities`, `entity_mentions`)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.conn = archive.conn

    # -- building ----------------------------------------------------------------------------------------
    def rebuild(self) -> dict[str, Any]:
        from archivist.enrich.names import authority

        auth = authority()
        rows = self.conn.execute(
            'SELECT s.document_id, s.seq, s.start, s."end", s.attrs, s.confidence, d.text, '
            "COALESCE(d.date_written, d.date_published) AS date FROM spans s "
            "JOIN current_documents d ON d.id = s.document_id WHERE s.layer = 'mentions' ORDER BY s.document_id, s.seq"
        ).fetchall()
        mentions = []
        doc_entities: dict[str, set[str]] = defaultdict(set)
        local_names: dict[str, Counter[str]] = defaultdict(Counter)
        local_docs: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            attrs = json.loads(r["attrs"] or "{}")
            local = attrs.get("entity_id")
            if not local:
                continue
            year = int(r["date"][:4]) if r["date"] and r["date"][:4].isdigit() else None
            text = r["text"][r["start"] : r["end"]] or attrs.get("entity_name") or ""
            mentions.append((r["document_id"], r["seq"], local, attrs.get("label", ""), text, r["start"], r["end"],
                             r["confidence"], attrs.get("evidence"), year))  # fmt: skip
            if ARCHIVE_PREFIX in local:
                local_names[local][attrs.get("entity_name") or text] += 1
                local_docs[local].add(r["document_id"])
            else:
                doc_entities[r["document_id"]].add(local)
        mapping = self._cluster(local_names, local_docs, doc_entities)
        counts_docs: dict[str, set[str]] = defaultdict(set)
        counts_mentions: Counter[str] = Counter()
        labels: dict[str, str] = {}
        names: dict[str, Counter[str]] = defaultdict(Counter)
        for doc_id, _, local, label, _text, *_ in mentions:
            eid = mapping.get(local, local)
            counts_docs[eid].add(doc_id)
            counts_mentions[eid] += 1
            labels.setdefault(eid, label)
            if ARCHIVE_PREFIX in local:
                names[eid].update(local_names[local])
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("DELETE FROM entity_mentions")
            self.conn.execute("DELETE FROM entities")
            for eid in counts_docs:
                entity = auth.get(eid)
                row: tuple[Any, ...]
                if entity is not None:
                    row = (eid, entity.type, entity.name, f"authority@{auth.version}", entity.wikidata, entity.born,
                           entity.died, None)  # fmt: skip
                else:
                    forms = names[eid]
                    best = max(forms, key=lambda n: (len(n.split()), forms[n], n)) if forms else eid
                    row = (eid, labels.get(eid) or eid.split(":")[0], best, "archive", None, None, None,
                           json.dumps(sorted(forms), ensure_ascii=False))  # fmt: skip
                self.conn.execute(
                    "INSERT INTO entities (id, type, name, origin, wikidata, born, died, aliases, documents, mentions) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (*row, len(counts_docs[eid]), counts_mentions[eid]),
                )
            self.conn.executemany(
                'INSERT INTO entity_mentions (document_id, seq, entity_id, local_id, label, text, start, "end", '
                "confidence, evidence, year) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (d, s, mapping.get(loc, loc), loc, lab, t, a, b, c, ev, y)
                    for d, s, loc, lab, t, a, b, c, ev, y in mentions
                ],
            )
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        merged = sum(1 for k, v in mapping.items() if k != v)
        return {"entities": len(counts_docs), "mentions": len(mentions), "archive_entities":
                sum(1 for e in counts_docs if ARCHIVE_PREFIX in e), "merged_across_documents": merged}  # fmt: skip

    @staticmethod
    def _cluster(
        names: dict[str, Counter[str]], docs: dict[str, set[str]], context: dict[str, set[str]]
    ) -> dict[str, str]:
        """local id → archive entity id. People of one surname merge when their given names agree
        (a full name and its initials); a surname alone merges only into the one full name of that
        surname that shares a co-mentioned entity with it, one that at most 5% of documents name."""
        people = [k for k in names if k.startswith("person:")]
        # The shared context that joins a surname alone to a full name must say something: an entity
        # few documents name, not Marx or Britain ("Comrade Stoker" is not Helene Stöcker).
        frequency = Counter(e for entities in context.values() for e in entities)
        rare = max(2, len(context) // 20)
        by_surname: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
        for local in people:
            best = max(names[local], key=lambda n: (len(n.split()), names[local][n]))
            parts = _person_parts(best)
            if parts:
                by_surname[parts[0]].append((local, parts[1]))
        mapping: dict[str, str] = {}
        for group in by_surname.values():
            full = [(loc, g) for loc, g in group if g]
            full.sort(key=lambda x: (-sum(len(n) for n in x[1]), x[0]))
            heads: list[tuple[str, list[str]]] = []
            for loc, given in full:
                compatible = [h for h in heads if _compatible(given, h[1])]
                # an initial compatible with two different full names stays apart
                if len(compatible) == 1:
                    mapping[loc] = compatible[0][0]
                else:
                    heads.append((loc, given))
                    mapping[loc] = loc
            for loc, given in group:
                if given:
                    continue
                ctx = {e for d in docs[loc] for e in context.get(d, set()) if frequency[e] <= rare}
                sharing = [
                    h for h in heads if ctx & set().union(*(context.get(d, set()) for d in docs[h[0]]))
                ]
                mapping[loc] = sharing[0][0] if len(heads) == 1 and sharing else loc
        return mapping

    # -- reading -----------------------------------------------------------------------------------------
    def ready(self) -> bool:
        return bool(self.conn.execute("SELECT 1 FROM entities LIMIT 1").fetchone())

    def top(self, type_: str | None = None, limit: int = 0) -> list[dict[str, Any]]:
        sql = "SELECT id, type, name, wikidata, origin, documents, mentions FROM entities"
        args: tuple[Any, ...] = ()
        if type_:
            sql += " WHERE type = ?"
            args = (type_,)
        sql += " ORDER BY documents DESC, mentions DESC, name"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [dict(r) for r in self.conn.execute(sql, args)]

    def find(self, name: str) -> list[str]:
        """Entity ids a name may mean: an id; the authority file's reading of the name; a name or
        form the archive has."""
        from archivist.enrich.names import authority

        if self.conn.execute("SELECT 1 FROM entities WHERE id = ?", (name,)).fetchone():
            return [name]
        auth = authority()
        ids = [e.id for e in auth.lookup(name)]
        if not ids:
            entity, _, _ = auth.match_person(name)
            ids = [entity.id] if entity else []
        present = [
            i for i in ids if self.conn.execute("SELECT 1 FROM entities WHERE id = ?", (i,)).fetchone()
        ]
        if present:
            return present
        rows = self.conn.execute(
            "SELECT id FROM entities WHERE name = ? COLLATE NOCASE UNION "
            "SELECT DISTINCT entity_id FROM entity_mentions WHERE text = ? COLLATE NOCASE",
            (name, name),
        ).fetchall()
        if rows:
            return [r[0] for r in rows]
        pattern = f"%{name}%"
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM entities WHERE name LIKE ? ORDER BY documents DESC LIMIT 10", (pattern,))]  # fmt: skip

    def describe(self, entity_id: str, top: int = 20) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()
        if row is None:
            return None
        out = dict(row)
        out["aliases"] = json.loads(out["aliases"]) if out.get("aliases") else []
        out["variants"] = {r[0]: r[1] for r in self.conn.execute(
            "SELECT text, COUNT(*) FROM entity_mentions WHERE entity_id = ? GROUP BY text ORDER BY 2 DESC, 1",
            (entity_id,))}  # fmt: skip
        out["documents_by_year"] = {str(r[0] if r[0] is not None else "?"): r[1] for r in self.conn.execute(
            "SELECT year, COUNT(DISTINCT document_id) FROM entity_mentions WHERE entity_id = ? GROUP BY year "
            "ORDER BY year", (entity_id,))}  # fmt: skip
        out["co_mentioned"] = [dict(r) for r in self.conn.execute(
            "SELECT e.id, e.name, e.type, COUNT(DISTINCT o.document_id) AS documents FROM entity_mentions m "
            "JOIN entity_mentions o ON o.document_id = m.document_id AND o.entity_id != m.entity_id "
            "JOIN entities e ON e.id = o.entity_id WHERE m.entity_id = ? "
            "GROUP BY e.id ORDER BY documents DESC, e.name LIMIT ?", (entity_id, top))]  # fmt: skip
        out["documents"] = [dict(r) for r in self.conn.execute(
            "SELECT d.id, d.title, COALESCE(d.date_written, d.date_published) AS date, d.path, COUNT(*) AS mentions "
            "FROM entity_mentions m JOIN current_documents d ON d.id = m.document_id WHERE m.entity_id = ? "
            "GROUP BY d.id ORDER BY date, d.path LIMIT ?", (entity_id, max(top, 50)))]  # fmt: skip
        return out

    def timeline(
        self, entity_id: str | None = None, start: str | None = None, end: str | None = None
    ) -> dict[str, Any]:
        """Documents in date order (written, else published), those naming the entity if one is
        given, with the dates their text names; and the count per year."""
        where, args = ["COALESCE(d.date_written, d.date_published) IS NOT NULL"], []
        if entity_id:
            where.append("d.id IN (SELECT document_id FROM entity_mentions WHERE entity_id = ?)")
            args.append(entity_id)
        if start:
            where.append("substr(COALESCE(d.date_written, d.date_published), 1, 4) >= ?")
            args.append(start[:4])
        if end:
            where.append("substr(COALESCE(d.date_written, d.date_published), 1, 4) <= ?")
            args.append(end[:4])
        rows = self.conn.execute(
            "SELECT d.id, d.title, d.path, COALESCE(d.date_written, d.date_published) AS date FROM current_documents d "
            f"WHERE {' AND '.join(where)} ORDER BY date, d.path",
            args,
        ).fetchall()
        events = []
        for r in rows:
            item = dict(r)
            if entity_id:
                item["mentions"] = self.conn.execute(
                    "SELECT COUNT(*) FROM entity_mentions WHERE document_id = ? AND entity_id = ?",
                    (r["id"], entity_id),
                ).fetchone()[0]
            dates = [json.loads(a[0] or "{}").get("value") for a in self.conn.execute(
                "SELECT attrs FROM spans WHERE document_id = ? AND layer = 'dates' ORDER BY seq", (r["id"],))]  # fmt: skip
            item["dates_named"] = len([d for d in dates if d])
            events.append(item)
        by_year = Counter(e["date"][:4] for e in events if re.match(r"\d{4}", e["date"] or ""))
        return {
            "entity": entity_id,
            "from": start,
            "to": end,
            "documents": events,
            "by_year": dict(sorted(by_year.items())),
        }
