"""The SQL of the archive's entities: the tables `entities` and `entity_mentions` (the `mentions`
layer resolved across documents, written whole by `archivist.enrich.entities.resolve`), and what a
historian asks of them (who is named, how often, where, beside whom, when).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from archivist.store.archive import Archive


class Entities:
    """Entity tables of one archive (tables `entities`, `entity_mentions`)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.conn = archive.conn

    # -- building (the logic is in `archivist.enrich.entities`) ---------------------------------------------
    def mention_rows(self) -> list[Any]:
        """Every mention span of the current documents, with its document's text and best date."""
        return self.conn.execute(
            'SELECT s.document_id, s.seq, s.start, s."end", s.attrs, s.confidence, d.text, '
            "COALESCE(d.date_written, d.date_published) AS date FROM spans s "
            "JOIN current_documents d ON d.id = s.document_id WHERE s.layer = 'mentions' ORDER BY s.document_id, s.seq"
        ).fetchall()

    def replace(self, entities: list[tuple[Any, ...]], mentions: list[tuple[Any, ...]]) -> None:
        """Replace both tables in one transaction: entities as (id, type, name, origin, wikidata, born,
        died, aliases, documents, mentions); mentions as (document_id, seq, entity_id, local_id, label,
        text, start, end, confidence, evidence, year)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("DELETE FROM entity_mentions")
            self.conn.execute("DELETE FROM entities")
            self.conn.executemany(
                "INSERT INTO entities (id, type, name, origin, wikidata, born, died, aliases, documents, mentions) "
                "VALUES (?,?,?,?,?,?,?,?,?,?)",
                entities,
            )
            self.conn.executemany(
                'INSERT INTO entity_mentions (document_id, seq, entity_id, local_id, label, text, start, "end", '
                "confidence, evidence, year) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                mentions,
            )
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

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

    def find(self, name: str, known: list[str] | None = None) -> list[str]:
        """Entity ids a name may mean: an id; those of `known` (the authority file's reading of the
        name, `archivist.enrich.entities.find`) the archive has; a name or form the archive has."""
        if self.conn.execute("SELECT 1 FROM entities WHERE id = ?", (name,)).fetchone():
            return [name]
        present = [
            i
            for i in known or []
            if self.conn.execute("SELECT 1 FROM entities WHERE id = ?", (i,)).fetchone()
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
