"""The command line: each command is one call into the library, errors are one line.

archivist ingest DIR... --db archive.db [--jobs N] [--engine local|dask]
archivist extract FILE... [--format jsonl|json|text]
archivist show DOC_ID|--path PATH --db archive.db [--format text|json]
archivist stats --db archive.db [--format text|json]
archivist failures --db archive.db [--format text|json]
archivist eval metadata|seeds --gold FILE
"""

from __future__ import annotations

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


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file to read.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=int, default=8000, show_default=True, help="Port to listen on (0: any free port)."
)
def serve(db: str, host: str, port: int) -> None:
    """Serve the reading room: home, documents, authors and browsing, each page also as JSON.

    Prints the URL, then serves until Ctrl-C. The archive is only read, so an ingest may run
    meanwhile; the JSON API is described at /openapi.json.
    """
    from archivist.web.server import serve as run_server

    run_server(db, host, port, on_ready=lambda url: out_console.print(
        f"Serving {escape(db)} at [bold]{url}[/] (Ctrl-C to stop)", highlight=False))  # fmt: skip


if __name__ == "__main__":
    main()
