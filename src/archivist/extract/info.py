"""The information block of the header zone: which items it is (MIA's labelled "Written: … Source: …"
lines, a ruled box of source lines, wikirouge's author table) and the (key, label, value) fields
read from it: labelled lines, free prose and bare citations. `layout.lay_out` runs these passes."""

from __future__ import annotations

import re
from itertools import pairwise

from archivist.extract.dates import find_date
from archivist.extract.item import Item, Layout
from archivist.extract.labels import (
    continues_source,
    interpret_free_line,
    is_label_line,
    may_hold_label,
    other_duties,
    parse_label_line,
)
from archivist.extract.names import PUBLISHER_WORD

INFO_CLASSES = ("information", "info", "infobox", "publication", "metadata", "headertable", "source")


def read_table_fields(items: list[Item], layout: Layout) -> None:
    """wikirouge's author table: a <th> label cell followed by its <td> values."""
    current = None
    for item in items:
        block = item.block
        if block.in_table and block.has_class("headertable"):
            if block.tag == "th":
                current = item.text.strip().rstrip(":").lower()
                item.role = "info"
            elif block.tag == "td" and current:
                layout.table_fields.setdefault(current, []).extend(
                    v.strip() for v in item.text.split("\n") if v.strip()
                )
                item.role = "info"
        else:
            current = None


def mark_info(items: list[Item]) -> None:
    for item in items:
        if item.role != "body" or not may_hold_label(item.text):
            continue  # without a label line, neither test below holds
        lines = [ln for ln in item.text.split("\n") if ln.strip()]
        labelled = sum(1 for ln in lines if is_label_line(ln))
        if (labelled and labelled >= len(lines) / 2 and len(item.text) < 3000) or (
            item.block.has_class(*INFO_CLASSES) and not item.block.is_heading and labelled
        ):
            item.role = "info"


def mark_ruled_info(items: list[Item], start: int) -> None:
    """A short run of blocks between two rules near the top, holding source or label lines, is
    the information block even without its CSS class (pandoc Markdown, older pages)."""
    rules = [i for i in range(start, min(len(items), start + 14)) if items[i].block.tag == "hr"]
    for left, right in pairwise(rules):
        inside = [k for k in range(left + 1, right) if items[k].role in ("body", "info")]
        if not inside or len(inside) > 5 or sum(len(items[k].text) for k in inside) > 2500:
            continue
        lines = [ln for k in inside for ln in items[k].text.split("\n")]
        if any(is_label_line(ln) or interpret_free_line(ln) for ln in lines):
            for k in inside:
                items[k].role = "info"
            return


def in_info_rules(items: list[Item], index: int) -> bool:
    """Inside MIA's information block: between an ``hr.infotop`` and its ``hr.infobot``."""
    before = next((it for it in reversed(items[:index]) if it.block.tag == "hr"), None)
    after = next((it for it in items[index + 1 :] if it.block.tag == "hr"), None)
    return bool(before and after and before.block.has_class("infotop") and after.block.has_class("infobot"))


# The information block read into fields: labelled lines, free prose and bare citations.
# "New Park Publications, Problems of the British Revolution by Leon Trotsky, July 1972.": a publisher
# leads, a date ends.
IMPRINT = re.compile(
    rf"^[A-Z][\w&'’ .-]{{1,40}}\b(?:{PUBLISHER_WORD}|Books)(?: House)?\s*,\s*"
    r".{3,200}?\b\d{4}\.?$"
)
_SOURCE_KEYS = ("source", "free_source", "first_published")
_CITATION = re.compile(r"\b(?:pp?\.\s*\d|vol\.?\s*[\dIVXLC]|no\.\s*\d)", re.I)


def read_labels(lines: list[str], title: str | None) -> list[tuple[str, str, str]]:
    """(key, label, value) for each line of the information block that says something."""
    labels: list[tuple[str, str, str]] = []
    source_at = None  # (line number, index in `labels`) of the last source statement read
    for n, line in enumerate(lines):
        # A statement still running on (";" or "," at the end of its line) has its own parts to come.
        finished = n > 0 and not lines[n - 1].rstrip().endswith((";", ","))
        if source_at and source_at[0] == n - 1 and finished and (convention := continues_source(line)):
            # "From Revolutionary History, Vol. 5 No. 3." / "Originally published in Clarté, No. 11, July
            # 1927.": the reprint or the original publication goes on with the statement above; the line
            # is still read for what it says itself.
            key, label, value = labels[source_at[1]]
            labels[source_at[1]] = (key, f"{label}+{convention}", f"{value.rstrip()} {line.strip()}")
            source_at = (n, source_at[1])
        if (
            labels
            and re.match(r"^and\s+(?:the\s+)?[A-Z]", line)
            and not labels[-1][1].startswith("free:citation")
        ):
            # "First published in the … Tribune, No. 4219, October 26;" / "and the … Weekly Tribune, …, 1854"
            key, label, value = labels[-1]
            labels[-1] = (key, label, f"{value} {line}")
            continue
        parsed = parse_label_line(line) or interpret_free_line(line)
        if parsed and not parsed[2] and n + 1 < len(lines) and not is_label_line(lines[n + 1]):
            parsed = (parsed[0], parsed[1], lines[n + 1])  # "Published:" with its value below it
        if parsed is None:
            parsed = _citation_line(line, title)
        if parsed:
            if parsed[0] in _SOURCE_KEYS and parsed[2] and not (source_at and source_at[0] == n):
                source_at = (n, len(labels))
            labels.append(parsed)
            if parsed[1] and not parsed[1].startswith("free:"):
                # "Written/First Published: 1916 in …" states both.
                labels.extend((key, parsed[1], parsed[2]) for key in other_duties(parsed[1]))
    return labels


def info_lines(text: str) -> list[str]:
    """Lines of an information block; a long line of prose is cut into sentences, since free prose
    ("This speech was delivered … Translation by … Translation first appeared in MRzine.") holds
    several fields."""
    out: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if len(line) > 150 and not is_label_line(line):
            out.extend(s for s in re.split(r"(?<=[a-z)][.;])\s+(?=[A-Z])", line) if s.strip())
        else:
            out.append(line)
    return out


def _citation_line(line: str, title: str | None) -> tuple[str, str, str] | None:
    """An unlabelled line that is a citation ("Britain coming into line – letter to Quelch, Justice,
    28th April 1906, p.5."): the source, without the title and description that lead it."""
    found = find_date(line)
    if not found or len(line) > 300:
        return None
    if not _CITATION.search(line) and not IMPRINT.match(line.strip()):
        # "Irish Worker, 16 September 1911.": a periodical and its issue date, nothing else.
        head, sep, rest = line.strip().rstrip(".").partition(", ")
        date = find_date(rest) if sep else None
        if not (date and date[1] <= 1 and date[2] >= len(rest) - 1 and "-" in date[0] and head[:1].isupper()
                and len(head) <= 60 and not is_label_line(line)):  # fmt: skip
            return None
    value = line.strip()
    if title and value.lower().startswith(title.lower()):
        value = value[len(title) :].lstrip(" –—-:,")
        head, sep, tail = value.partition(", ")
        if sep and head[:1].islower():
            value = tail  # "letter to Quelch, Justice, …": drop the description
    return "free_source", "free:citation", value
