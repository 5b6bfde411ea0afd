"""Entities across the archive: the `mentions` layer resolved across documents.

The mentions stage links each mention within one document: to the authority file, or to a new
entity of the archive (`person:x-<given-surname>`). `resolve` then clusters the archive's own
people across documents — one surname, compatible given names, and for a surname alone a shared
context (another entity both documents name) — and writes the tables `entities` and
`entity_mentions` (`archivist.store.entities`). Two different given names are never merged, nor a
name the authority file gives to someone else. It is whole and idempotent: a view of the mentions
layer.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from archivist.enrich.names import authority, given_compatible, person_parts
from archivist.store import Archive
from archivist.store.entities import Entities

ARCHIVE_PREFIX = ":x-"  # in the id of an entity of the archive, not of the authority file


def resolve(archive: Archive) -> dict[str, Any]:
    """Cluster the archive's mentions into entities and store them; counts of what was done."""
    auth = authority()
    table = Entities(archive)
    mentions = []
    doc_entities: dict[str, set[str]] = defaultdict(set)
    local_names: dict[str, Counter[str]] = defaultdict(Counter)
    local_docs: dict[str, set[str]] = defaultdict(set)
    for r in table.mention_rows():
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
    mapping = cluster_people(local_names, local_docs, doc_entities)
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
    rows: list[tuple[Any, ...]] = []
    for eid in counts_docs:
        entity = auth.get(eid)
        if entity is not None:
            row: tuple[Any, ...] = (eid, entity.type, entity.name, f"authority@{auth.version}", entity.wikidata,
                                    entity.born, entity.died, None)  # fmt: skip
        else:
            forms = names[eid]
            best = max(forms, key=lambda n: (len(n.split()), forms[n], n)) if forms else eid
            row = (eid, labels.get(eid) or eid.split(":")[0], best, "archive", None, None, None,
                   json.dumps(sorted(forms), ensure_ascii=False))  # fmt: skip
        rows.append((*row, len(counts_docs[eid]), counts_mentions[eid]))
    table.replace(rows, [(d, s, mapping.get(loc, loc), loc, lab, t, a, b, c, ev, y)
                         for d, s, loc, lab, t, a, b, c, ev, y in mentions])  # fmt: skip
    merged = sum(1 for k, v in mapping.items() if k != v)
    return {"entities": len(counts_docs), "mentions": len(mentions), "archive_entities":
            sum(1 for e in counts_docs if ARCHIVE_PREFIX in e), "merged_across_documents": merged}  # fmt: skip


def find(archive: Archive, name: str) -> list[str]:
    """Entity ids a name may mean ("Trotzki", "person:trotsky-leon"): the authority file's reading
    of the name, where the archive has it, else the archive's own names and forms."""
    auth = authority()
    known = [e.id for e in auth.lookup(name)]
    if not known:
        entity, _, _ = auth.match_person(name)
        known = [entity.id] if entity else []
    return Entities(archive).find(name, known)


def cluster_people(
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
        parts = person_parts(best)
        if parts:
            by_surname[parts[0]].append((local, parts[1]))
    mapping: dict[str, str] = {}
    for group in by_surname.values():
        full = [(loc, g) for loc, g in group if g]
        full.sort(key=lambda x: (-sum(len(n) for n in x[1]), x[0]))
        heads: list[tuple[str, list[str]]] = []
        for loc, given in full:
            compatible = [h for h in heads if given_compatible(given, h[1])]
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
            sharing = [h for h in heads if ctx & set().union(*(context.get(d, set()) for d in docs[h[0]]))]
            mapping[loc] = sharing[0][0] if len(heads) == 1 and sharing else loc
    return mapping
