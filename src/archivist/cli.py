"""The command line: each command is one call into the library, errors are one line.

archivist ingest DIR... --db archive.db [--jobs N] [--engine local|dask]
archivist extract FILE... [--format jsonl|json|text]
archivist show DOC_ID|--path PATH --db archive.db [--format text|json]
archivist stats --db archive.db [--format text|json]
archivist failures --db archive.db [--format text|json]
archivist eval metadata|seeds --gold FILE
archivist search QUERY --db archive.db [--facets author,year] [--format json]
archivist list [--author A] [--year Y] [--type T] [--sort date] [--format json]
archivist kwic QUERY [--width 60] [--sort left|right] [--format json]
archivist collocates QUERY [--window 5] [--top 30] [--format json]
archivist reindex --db archive.db
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from archivist import __version__
from archivist.errors import ArchivistError
from archivist.model import Extraction
from archivist.pipeline import Executor
from archivist.pipeline import Progress as IngestProgress
from archivist.store import DEFAULT_DB, Archive

FORMATS = click.Choice(["text", "json"])
EXIT_FAILURES = 2  # the run finished, but some files could not be read
EXIT_INTERRUPTED = 130

err_console = Console(stderr=True, soft_wrap=True)
out_console = Console(soft_wrap=True)


def _fail(message: str, code: int = 1) -> None:
    # escape: a message holds paths and extras such as "archivist[cluster]", not console markup
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    sys.exit(code)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchivistError as err:
            if ctx.params.get("debug"):
                raise
            _fail(str(err))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="archivist")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def main(debug: bool) -> None:
    """archivist: raw historical writings from online archives into one clean, linked SQLite archive.

    Point it at folders of saved archive pages (Marxists Internet Archive HTML, MediaWiki pages,
    plain text, Markdown, TEI) and it recovers each document — title, authors, dates, source,
    place, translator, language, type and its parts — into one archive file (default ./archive.db).
    """


class _RichProgress(IngestProgress):
    """The ingest's progress drawn with rich: files done, failures, rate."""

    def __init__(self) -> None:
        self.failed = 0
        self.bar = Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=err_console,
            transient=False,
        )
        self.task: Any = None

    def start(self, total: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task("ingest", total=total, failed=0, rate="")

    def advance(self, extraction: Extraction | None, n: int = 1) -> None:
        if extraction is not None and not extraction.ok:
            self.failed += 1
        self.bar.update(self.task, advance=n, failed=self.failed)
        speed = self.bar.tasks[0].speed
        if speed:
            self.bar.update(self.task, rate=f"{speed:,.0f} files/s")

    def finish(self) -> None:
        self.bar.stop()


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file to create or update.")
@click.option(
    "--jobs",
    "-j",
    type=int,
    default=1,
    show_default=True,
    help="Worker processes for extraction (0: one per core).",
)
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: in-process or a process pool; dask: a Dask cluster.")  # fmt: skip
@click.option(
    "--scheduler",
    default=None,
    help="With --engine dask: address of an existing scheduler (tcp://HOST:8786).",
)
@click.option(
    "--batch-size", type=int, default=64, show_default=True, help="Documents per write transaction."
)
@click.option("--force", is_flag=True, help="Re-extract files even when unchanged since the last run.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True, help="Summary format.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def ingest(inputs: tuple[str, ...], db: str, jobs: int, engine: str, scheduler: str | None, batch_size: int,
           force: bool, fmt: str, quiet: bool) -> None:  # fmt: skip
    """Read files and folders of archive pages into the archive.

    Every file's original bytes are kept (by SHA-256). Unchanged files are skipped; a changed file
    becomes a new version with the old one kept. Files that cannot be read are recorded as failures
    with a reason and the run goes on. Exit status: 0 all read, 2 some files failed, 130 interrupted.
    """
    from archivist.pipeline import default_jobs, pool_executor
    from archivist.pipeline import ingest as run_ingest

    executor: Executor | None
    if engine == "dask":
        from archivist.cluster import dask_executor

        executor = dask_executor(scheduler=scheduler, workers=jobs or default_jobs())
    else:
        if scheduler:
            raise click.UsageError("--scheduler needs --engine dask")
        n = jobs or default_jobs()
        executor = pool_executor(n) if n > 1 else None
    progress: IngestProgress | None = None if quiet or fmt == "json" else _RichProgress()
    with Archive(db) as archive:
        try:
            report = run_ingest(inputs, archive, executor=executor, engine=engine, batch_size=batch_size,
                                force=force, progress=progress)  # fmt: skip
        except KeyboardInterrupt:
            err_console.print(
                "interrupted: every finished batch is kept; run the same command again to finish"
            )
            sys.exit(EXIT_INTERRUPTED)
        _update_search_index(archive, quiet or fmt == "json")
    data = report.to_dict()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        out_console.print(
            f"{report.files_seen} files: {data['new']} new, {data['changed']} changed, {data['unchanged']} unchanged, "
            f"[{'red' if report.counts.failed else 'green'}]{report.counts.failed} failed[/] "
            f"in {report.seconds:.1f}s → {db}",
            highlight=False,
        )
        for failure in data["failures"][:20]:  # type: ignore[index]
            err_console.print("  [red]failed[/] " + escape(f"{failure['path']}: {failure['message']} [{failure['reason']}]"),
                              highlight=False)  # fmt: skip
    if report.counts.failed:
        sys.exit(EXIT_FAILURES)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True))
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "json", "text"]), default="jsonl", show_default=True
)
@click.option("--no-text", is_flag=True, help="Leave the canonical text out of the JSON (parts keep theirs).")
def extract(files: tuple[str, ...], fmt: str, no_text: bool) -> None:
    """Extract documents from files without a database: one JSON object per document on stdout.

    Failures go to stderr as one line each; the exit status is 2 when any file failed.
    """
    from archivist.pipeline import collect_inputs, extract_input

    failed = 0
    records = []
    for item in collect_inputs(files):
        result = extract_input(item)
        if result.document is None:
            failed += 1
            err_console.print(
                "[red]failed[/] " + escape(f"{item.path}: {result.failure_detail} [{result.failure}]"),
                highlight=False,
            )
            continue
        record = result.document.to_record()
        if no_text:
            record.pop("text")
        if fmt == "jsonl":
            click.echo(json.dumps(record, ensure_ascii=False))
        elif fmt == "json":
            records.append(record)
        else:
            _print_document(record)
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    if failed:
        sys.exit(EXIT_FAILURES)


def _print_document(record: dict[str, Any]) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key in ("id", "path", "title", "authors", "date_written", "date_published", "source", "source_title",
                "source_volume", "source_issue", "source_page", "place", "translator", "transcriber", "rights",
                "language", "doc_type", "classification", "addressee"):  # fmt: skip
        value = record.get(key)
        if value not in (None, [], ""):
            table.add_row(key, "; ".join(value) if isinstance(value, list) else str(value))
    out_console.print(table)
    for part in record["parts"]:
        extra = ", ".join(f"{k}={part[k]}" for k in ("author", "date", "place", "title") if k in part)
        snippet = part["text"].replace("\n", " ")
        snippet = snippet if len(snippet) < 90 else snippet[:60] + " … " + snippet[-25:]
        out_console.print(f"  [magenta]{part['kind']:>14}[/] {part['start']:>6}–{part['end']:<6} {snippet}"
                          + (f"  [dim]({extra})[/]" if extra else ""), highlight=False)  # fmt: skip


@main.command()
@click.argument("doc_id", required=False)
@click.option(
    "--path", "path", default=None, help="Show the current document of this file path (or path suffix)."
)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option(
    "--text/--no-text", "with_text", default=False, help="Print the whole canonical text (text format)."
)
def show(doc_id: str | None, path: str | None, db: str, fmt: str, with_text: bool) -> None:
    """Show one document: its fields, provenance and parts."""
    if not doc_id and not path:
        raise click.UsageError("give a DOC_ID or --path PATH")
    with Archive(db, readonly=True) as archive:
        doc = archive.document(doc_id) if doc_id else archive.document_at(path or "")
    if doc is None:
        raise ArchivistError(
            f"{db}: no document {doc_id or path!r}; `archivist stats --db {db}` lists what is there"
        )
    record = doc.to_record()
    if fmt == "json":
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    _print_document(record)
    if with_text:
        out_console.print()
        out_console.print(record["text"], highlight=False, markup=False)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def stats(db: str, fmt: str) -> None:
    """Counts by source, format, language, decade, type and author; failures by reason."""
    with Archive(db, readonly=True) as archive:
        data = archive.stats()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    out_console.print(
        f"[bold]{data['documents']}[/] documents from [bold]{data['files']}[/] files "
        f"({data['originals_bytes']:,} bytes of originals), {data['parts']} parts, "
        f"[{'red' if data['failures'] else 'green'}]{data['failures']} failures[/]",
        highlight=False,
    )
    for key, label in (("by_source", "source"), ("by_format", "format"), ("by_language", "language"),
                       ("by_type", "type"), ("by_decade", "decade"), ("top_authors", "author"),
                       ("failure_reasons", "failure")):  # fmt: skip
        if data[key]:
            shown = ", ".join(f"{k} {v}" for k, v in list(data[key].items())[:15])
            out_console.print(f"  [cyan]{label:>9}[/]  {shown}", highlight=False)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def failures(db: str, fmt: str) -> None:
    """Files that could not be read, with the reason."""
    with Archive(db, readonly=True) as archive:
        rows = archive.failures()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['path']}: {row['message']} [{row['reason']}]")


@main.group("eval")
def eval_group() -> None:
    """Score extraction against hand-checked gold labels (../shared/gold)."""


def _extract_for_gold(paths: list[str], root: Path) -> dict[str, dict[str, Any]]:
    """Records for the gold's paths (relative to `root`); a file missing or failing has none,
    which the scorers count as wrong on every field."""
    from archivist.pipeline import extract_file

    records: dict[str, dict[str, Any]] = {}
    for gold_path in paths:
        if (root / gold_path).exists():
            result = extract_file(str(root / gold_path), gold_path)
            if result.document is not None:
                records[gold_path] = result.document.to_record()
    return records


@eval_group.command("metadata")
@click.option(
    "--gold", default="../shared/gold/metadata-dev.jsonl", show_default=True, type=click.Path(exists=True)
)
@click.option(
    "--corpus", default=None, type=click.Path(exists=True), help="Corpus folder (default: beside gold)."
)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("--mismatches", is_flag=True, help="List every wrong field (text format).")
def eval_metadata(gold: str, corpus: str | None, fmt: str, mismatches: bool) -> None:
    """Per-field accuracy of metadata and body boundaries against metadata gold."""
    from archivist.evaluate import load_gold_metadata, score_metadata

    rows = load_gold_metadata(gold)
    root = Path(corpus) if corpus else Path(gold).resolve().parent.parent / "corpus"
    records = _extract_for_gold([r["path"] for r in rows], root)
    report = score_metadata(rows, records)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.format_table(show_mismatches=mismatches))


@eval_group.command("seeds")
@click.option("--gold", default="../shared/gold/seeds.json", show_default=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def eval_seeds(gold: str, fmt: str) -> None:
    """Check the two seed documents field by field and part by part. Exit 1 if any check fails."""
    from archivist.evaluate import load_gold_seeds, score_seeds

    docs = load_gold_seeds(gold)
    root = Path(gold).resolve().parent.parent
    records = _extract_for_gold([d["path"] for d in docs], root)
    report = score_seeds(docs, records)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.format_table())
    if not report.ok:
        sys.exit(1)


# -- search ------------------------------------------------------------------------------------------
EXIT_QUERY = 64  # EX_USAGE: the query (or a browse option) cannot be read
SEARCH_EXITS = """Exit status: 0 done (with hits or none), 1 error (no archive, no index, stale index: the
message says what to run), 2 bad command-line option, 64 malformed query (one line names the place)."""


def _update_search_index(archive: Archive, quiet: bool) -> None:
    """Bring archive.index/ in step after an ingest (a few seconds; skipped documents cost nothing)."""
    from archivist.search import update_index

    report = update_index(archive)
    if not quiet and (report.added or report.removed or report.rebuilt):
        err_console.print(
            f"search index: {report.added} documents indexed, {report.removed} removed "
            f"({report.passages:+,} passages) in {report.seconds:.1f}s",
            highlight=False,
        )


def _search_call(call: Any) -> Any:
    from archivist.search import QuerySyntaxError

    try:
        return call()
    except QuerySyntaxError as err:
        _fail(str(err), EXIT_QUERY)


def _print_hits(result: Any, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    shown = f"{result.offset + 1}–{result.offset + len(result.hits)} of " if result.hits else ""
    if result.relaxed:
        shown = (
            f"{result.offset + 1}–{result.offset + len(result.hits)} shown; all the words in a passage of "
        )
    out_console.print(f"[bold]{shown}{result.total}[/] documents ({result.took_ms:.0f} ms)", highlight=False)
    for warning in result.warnings:
        err_console.print(f"[yellow]note:[/] {escape(warning)}", highlight=False)
    for i, hit in enumerate(result.hits, result.offset + 1):
        authors = "; ".join(hit.authors)
        meta = " · ".join(x for x in (authors, hit.date, hit.type, hit.lang) if x)
        out_console.print(f"[bold]{i:>3}. {escape(hit.title or '(untitled)')}[/]  [dim]{escape(meta)}[/]",
                          highlight=False)  # fmt: skip
        out_console.print(f"     [cyan]{escape(hit.path)}[/] [dim]{hit.passage.part} "
                          f"{hit.passage.start}–{hit.passage.end} id {hit.id}[/]", highlight=False)  # fmt: skip
        snippet = escape(html.unescape(hit.snippet.replace("<b>", "\x00").replace("</b>", "\x01")))
        out_console.print(
            "     " + snippet.replace("\x00", "[bold yellow]").replace("\x01", "[/]"), highlight=False
        )
    for name, values in result.facets.items():
        shown_values = ", ".join(f"{k} {v}" for k, v in list(values.items())[:15])
        out_console.print(f"  [cyan]{name:>8}[/]  {escape(shown_values)}", highlight=False)


@main.command("search")
@click.argument("query")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option(
    "--limit", "-n", type=click.IntRange(1, 1000), default=10, show_default=True, help="Documents per page."
)
@click.option(
    "--page", type=click.IntRange(1), default=1, show_default=True, help="Page of results (1-based)."
)
@click.option("--facets", default="", help="Comma-separated: author, decade, year, source, type, lang, part.")
@click.option("--sort", type=click.Choice(["relevance", "date", "-date", "title", "path"]), default="relevance",
              show_default=True)  # fmt: skip
def search_command(query: str, db: str, fmt: str, limit: int, page: int, facets: str, sort: str) -> None:
    """Search the archive: documents ranked by BM25 over their passages, with a snippet.

    \b
    QUERY: words (stemmed per document language, case and accents folded), "a phrase",
    "a phrase"~3, prefix*, AND / OR / NOT / -word, ( ), word NEAR/5 word, and fields:
    author: title: source: place: translator: ("quoted" for a phrase), year:1933,
    year:1930..1934, date:1933-03, type:letter, lang:en, part:editorial-note.
    Example: archivist search '"Left Opposition" author:trotsky year:1930..1934 type:letter'

    The index (archive.index/ beside the archive) is kept in step by ingest and rebuilt by
    reindex. Only current versions of documents are found.

    \b
    """
    from archivist.search import search

    names = [f for f in facets.split(",") if f.strip()]
    result = _search_call(
        lambda: search(db, query, limit=limit, offset=(page - 1) * limit, facets=names, sort=sort)
    )
    _print_hits(result, fmt)


search_command.help = (search_command.help or "") + SEARCH_EXITS


@main.command("list")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--author", default=None, help="Words of an author's name.")
@click.option("--year", default=None, help="A year or a range: 1933, 1930..1934.")
@click.option("--type", "doc_type", default=None, help="letter, article, speech, …")
@click.option("--lang", default=None, help="Language code or name: en, fr, german, …")
@click.option("--source", default=None, help="Words of the source publication's title.")
@click.option("--place", default=None, help="Words of the place written.")
@click.option("--date", default=None, help="ISO date, partial allowed: 1933-03.")
@click.option(
    "--sort", type=click.Choice(["date", "-date", "title", "path"]), default="date", show_default=True
)
@click.option("--limit", "-n", type=click.IntRange(1, 10000), default=50, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--facets", default="", help="Comma-separated: author, decade, year, source, type, lang.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def list_command(db: str, author: str | None, year: str | None, doc_type: str | None, lang: str | None,
                 source: str | None, place: str | None, date: str | None, sort: str, limit: int, page: int,
                 facets: str, fmt: str) -> None:  # fmt: skip
    """Browse documents without a query: filter by fields, sort by date, title or path."""
    from archivist.search import list_documents

    names = [f for f in facets.split(",") if f.strip()]
    result = _search_call(lambda: list_documents(db, author=author, year=year, doc_type=doc_type, lang=lang,
                                                 source=source, place=place, date=date, sort=sort, limit=limit,
                                                 offset=(page - 1) * limit, facets=names))  # fmt: skip
    _print_hits(result, fmt)


list_command.help = (list_command.help or "") + "\n\n" + SEARCH_EXITS


@main.command("kwic")
@click.argument("query")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option(
    "--width", type=click.IntRange(10, 500), default=60, show_default=True, help="Characters each side."
)
@click.option(
    "--sort",
    type=click.Choice(["left", "right"]),
    default=None,
    help="Sort lines by the words left or right of the match.",
)
@click.option(
    "--limit", "-n", type=click.IntRange(1, 100000), default=200, show_default=True, help="Lines at most."
)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def kwic_command(query: str, db: str, width: int, sort: str | None, limit: int, fmt: str) -> None:
    """Keyword in context: every match of QUERY in its line, best passages first.

    QUERY is read as by `search` (words match their stemmed forms, "phrases" their words)."""
    from archivist.search import kwic

    lines = _search_call(lambda: kwic(db, query, width=width, sort=sort, max_lines=limit))
    if fmt == "json":
        click.echo(json.dumps({"query": query, "width": width, "lines": lines}, ensure_ascii=False, indent=2))
        return
    for line in lines:
        click.echo(f"{line['left']:>{width}} [{line['match']}] {line['right']:<{width}}  {line['path']}")


kwic_command.help = (kwic_command.help or "") + "\n\n" + SEARCH_EXITS


@main.command("collocates")
@click.argument("query")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--window", type=click.IntRange(1, 50), default=5, show_default=True, help="Words each side.")
@click.option("--top", type=click.IntRange(1, 1000), default=30, show_default=True)
@click.option("--min-count", type=click.IntRange(1), default=2, show_default=True)
@click.option("--stopwords", is_flag=True, help="Keep function words (the, de, und, …).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def collocates_command(query: str, db: str, window: int, top: int, min_count: int, stopwords: bool,
                       fmt: str) -> None:  # fmt: skip
    """Words that keep QUERY company: within --window words of a match, ranked by logDice."""
    from archivist.search import collocates

    data = _search_call(lambda: collocates(db, query, window=window, top=top, min_count=min_count,
                                           stopwords=stopwords))  # fmt: skip
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    out_console.print(
        f"{data['matches']} matches in {data['passages']} passages, window ±{window}", highlight=False
    )
    for row in data["collocates"]:
        click.echo(f"{row['word']:<24} {row['count']:>6} {row['log_dice']:>8.2f}")


collocates_command.help = (collocates_command.help or "") + "\n\n" + SEARCH_EXITS


@main.command("reindex")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def reindex_command(db: str, fmt: str) -> None:
    """Rebuild the search index (archive.index/ beside the archive) from the archive.

    The new index is built aside and swapped in whole: searches running meanwhile use the old one.
    Exit status: 0 done, 1 error (no archive, index being written by another process)."""
    from archivist.search import rebuild_index

    with Archive(db) as archive:
        report = rebuild_index(archive)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        out_console.print(f"indexed {report.added} documents, {report.passages:,} passages in {report.seconds:.1f}s",
                          highlight=False)  # fmt: skip


if __name__ == "__main__":
    main()
