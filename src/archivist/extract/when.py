"""When the text was published and written: the first publication from the labels and the source,
sharpened by a heading; the date of writing from the labels, headings, title, datelines and TEI,
or the span of a text made of dated entries; and a later edition is no first publication."""

from __future__ import annotations

import re
from itertools import pairwise

from archivist.extract.dateline import parse_dateline
from archivist.extract.dates import SEASON_NAME, covers, find_date, month_and_day, parse_date, precision
from archivist.extract.layout import Layout
from archivist.extract.segment import Segment
from archivist.extract.source import Source, is_edition
from archivist.extract.source_line import parse_source_line
from archivist.sources.page import Page

# A heading that states when and where the text was made ("Speech delivered … in Madison Square
# Garden, New York, November 13, 1939").
STATEMENT = re.compile(r"\b(?:written|delivered|adopted|dated|spoken|given|held|speech|address)\b", re.I)


def read_dates(
    page: Page,
    layout: Layout,
    labels: dict[str, tuple[str, str]],
    datelines: list[Segment],
    paragraphs: list[str],
    source: Source,
) -> tuple[str | None, str | None, str | None, str | None]:
    """(published, its origin, written, its origin)."""
    published, pub_origin = _date_published(labels, source, layout.subtitles)
    written, written_origin = _date_written(page, layout, labels, datelines, published)
    if (
        written is None
        and published
        and pub_origin == f"{source.origin}:date"
        and _dated_by_season(source.text)
    ):
        # "(December 1958)" over an issue of "Autumn 1958": the month the text was written.
        for subtitle in layout.subtitles:
            month = parse_date(subtitle) if subtitle.strip().startswith(("(", "[")) else None
            if month and precision(month) >= 2:
                written, written_origin = month, "heading"
                break
    anchor = written or published
    if (
        anchor
        and (dated := _yearless_dateline(datelines, anchor))
        and (written is None or covers(written, dated))
    ):
        written, written_origin = dated, "dateline:year-of-document"
    entries = _entry_span(paragraphs, datelines)
    if entries and (written is None or _within(written, entries)):
        written, written_origin = entries, "datelines:span"  # dated fragments: first to last
    if (
        pub_origin == f"{source.origin}:date"
        and written
        and published
        and published[:4] > written.split("/")[-1][:4]
        and is_edition(source.text, source.parts)
    ):
        published = (
            None  # the source is a later edition ("Merit Publishers, 1969"), not the first publication
        )
    return published, pub_origin, written, written_origin


def _yearless_dateline(datelines: list[Segment], anchor: str) -> str | None:
    """ "Berlin, March 18." in a text published on 25 March 1899: 1899-03-18. A day after the anchor
    belongs to the year before (a letter of December printed in January)."""
    for segment in datelines:
        if segment.date or not segment.place:
            continue
        found = month_and_day(segment.text[len(segment.place) :])
        if not found:
            continue
        month, day, _ = found
        year = int(anchor[:4])
        value = f"{year}-{month:02d}-{day:02d}"
        if precision(anchor) >= 2 and value[:7] > anchor.split("/")[-1][:7]:
            value = f"{year - 1}-{month:02d}-{day:02d}"
        return value
    return None


def _dated_by_season(source_text: str | None) -> bool:
    """An issue dated by its season ("Autumn 1958"): a month in a heading is then the writing's."""
    return re.search(rf"\b{SEASON_NAME}\b", source_text or "", re.I) is not None


def _date_published(
    labels: dict[str, tuple[str, str]], source: Source, subtitles: list[str]
) -> tuple[str | None, str | None]:
    """The first publication: the "First published" label, the source's date, an earlier "Also
    published", sharpened by a bracketed heading date."""
    published, pub_origin = None, None
    if "first_published" in labels:
        published = parse_source_line(
            labels["first_published"][0]
        ).date  # volume and issue numbers are not days
        pub_origin = labels["first_published"][1]
    if published is None and source.parts.date:
        published, pub_origin = source.parts.date, f"{source.origin}:date"
    if "also_published" in labels:
        # "Also published in Class Struggle, August 1932": the first publication is the earlier one.
        also = parse_source_line(labels["also_published"][0]).date
        if also and (published is None or also.split("/")[0] < published.split("/")[0]):
            published, pub_origin = also, labels["also_published"][1]
    for subtitle in subtitles:
        heading_date = parse_date(subtitle) if subtitle.strip().startswith(("(", "[")) else None
        if (
            published
            and heading_date
            and covers(published, heading_date)
            and precision(heading_date) > precision(published)
            # An issue dated by season ("Summer 1959") is not sharpened by a month: that month is the writing.
            and not _dated_by_season(source.text)
        ):
            published, pub_origin = heading_date, "heading"  # "(May 1895)" over a source that gives only 1895
    return published, pub_origin


def _entry_date(paragraph: str) -> str | None:
    """The date of a paragraph that is only a date, perhaps with a place before it and a remark in
    brackets after it ("December 22, 1925.", "Moscow, May 19, 1926.", "March 5, 1926 (from a letter).")."""
    paragraph = paragraph.strip()
    if len(paragraph) > 60:
        return None
    found = find_date(paragraph)
    if not found or precision(found[0]) < 3:
        return None
    before, after = paragraph[: found[1]], paragraph[found[2] :]
    if re.fullmatch(r"(?:[A-ZÀ-Þ][\w'’-]*(?:\s+[A-ZÀ-Þ][\w'’-]*){0,2}[,.]\s*)?", before) and re.fullmatch(
        r"\s*\.?\s*(?:\([^)]*\))?\.?\s*", after
    ):
        return found[0]
    return None


def _entry_span(paragraphs: list[str], datelines: list[Segment]) -> str | None:
    """A text made of dated entries (a diary, minutes of successive meetings, fragments written over
    months) was written from its first entry to its last."""
    # An entry heads prose; a date followed by another short line is a table cell or a list item.
    dates = {d for p, following in pairwise(paragraphs) if len(following) >= 150 and (d := _entry_date(p))}
    dates |= {d.date for d in datelines if d.date and precision(d.date) == 3}
    if len(dates) < 3:
        return None
    starts = sorted(d.split("/")[0] for d in dates)
    ends = sorted(d.split("/")[-1] for d in dates)
    return f"{starts[0]}/{ends[-1]}"


def _within(value: str, span: str) -> bool:
    """Whether `value` (any precision) lies inside the interval `span` or covers all of it."""
    start, end = span.split("/")
    head, tail = value.split("/")[0], value.split("/")[-1]
    return (start[: len(head)] <= head and tail <= end[: len(tail)]) or (
        covers(value, start) and covers(value, end)
    )


def _date_written(page: Page, layout: Layout, labels: dict[str, tuple[str, str]], datelines: list[Segment],
                  published: str | None) -> tuple[str | None, str | None]:  # fmt: skip
    dateline = next((d.date for d in datelines if d.date), None)
    # Headings above the text, the header's and those after an editor's introduction.
    first_body = layout.body[0] if layout.body else len(layout.items)
    headings = [item.text for item in layout.items[:first_body] if item.role == "subtitle"]
    heading_dates = [d for heading in headings if (d := parse_date(heading))]

    def sharpened(value: str, origin: str) -> tuple[str, str]:
        # "Written: August 1869" over a heading "… Meetings of August 10 and 17, 1869": the finer
        # date that agrees with it.
        for finer, finer_origin in [(dateline, "dateline")] + [(d, "heading") for d in heading_dates]:
            if finer and covers(value, finer) and precision(finer) > precision(value):
                return finer, finer_origin
        return value, origin

    for key in ("written", "delivered", "discussed"):
        if key in labels:
            value = parse_date(labels[key][0])
            if value:
                return sharpened(value, labels[key][1])
    for subtitle in layout.subtitles:
        if STATEMENT.search(subtitle):
            value = parse_date(subtitle)
            if value:
                return value, "heading:statement"
        elif (heading_line := parse_dateline(subtitle)) is not None and heading_line[0]:
            return heading_line[1], "heading:dateline"  # "Highgate Cemetery, London. March 17, 1883"
    title_date = (
        parse_date(layout.title) if layout.title and re.search(r"\d{4}", layout.title or "") else None
    )
    if title_date and precision(title_date) >= 2:
        # "British Commerce (September 1860)" over the dateline "London, Sept. 8, 1860": the finer date.
        return sharpened(title_date, "title")
    if dateline:
        return sharpened(dateline, "dateline")
    if "table_written" in labels:
        value = parse_date(labels["table_written"][0])
        if value:
            return sharpened(value, labels["table_written"][1])
    if page.fields.get("date_written"):
        return page.fields["date_written"][0], "tei:creation"
    if page.fields.get("date_sent"):
        return page.fields["date_sent"][0], "tei:correspAction"
    # "#### March 23" under "Eighth Congress of the R.C.P.(B.) March 18-23, 1919": the year is above.
    for heading in headings:
        alone = re.fullmatch(r"\(?[A-Za-z]{3,9}\.?\s+[0-3]?\d\)?\.?", heading.strip())
        if alone and (found := month_and_day(heading)):
            years = [y for item in layout.items[:first_body] if item.role in ("header", "title", "subtitle", "byline")
                     for y in re.findall(r"\b1[5-9]\d\d\b", item.text)]  # fmt: skip
            if len(set(years)) == 1:
                return f"{years[0]}-{found[0]:02d}-{found[1]:02d}", "heading:day+year"
    for subtitle in layout.subtitles:
        value = parse_date(subtitle)
        bare = re.fullmatch(r"[\w ,.]{0,30}\d{4}\.?", subtitle.strip()) is not None
        if value and (subtitle.strip().startswith(("(", "[")) or bare):
            # A heading date is the date of writing when it is not the issue's own date: less precise
            # than it ("(December 1957)" over 4 January 1958), or earlier (a speech printed a year later).
            if published is None or (
                not covers(value, published)
                and (precision(value) < precision(published) or value.split("/")[0] < published.split("/")[0])
            ):
                return value, "heading"
            return None, None
    return None, None
