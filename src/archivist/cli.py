"""The command line: each command is one call into the library, errors are one line.

archivist ingest DIR... --db archive.db [--collection NAME] [--jobs N] [--engine local|dask]
archivist extract FILE... [--format jsonl|json|text]
archivist show DOC_ID|--path PATH --db archive.db [--format text|json]
archivist original DOC_ID --db archive.db > file
archivist stats | failures | collections --db archive.db [--format text|json]
archivist correct DOC_ID FIELD VALUE [--note TEXT] | correct DOC_ID --part N --kind KIND | --undo ID
archivist corrections --db archive.db [--format json]
archivist annotate --db archive.db --stage NAME [--jobs N | --engine dask]
archivist eval metadata|seeds --gold FILE
archivist search QUERY --db archive.db [--facets author,year] [--format json]
archivist list [--author A] [--year Y] [--type T] [--sort date] [--format json]
archivist kwic QUERY [--width 60] [--sort left|right] [--format json]
archivist collocates QUERY [--window 5] [--top 30] [--format json]
archivist reindex --db archive.db

Exit status, every command: 0 done; 1 an error (one line on stderr; --debug for a traceback);
2 a usage error (a bad option or argument); 3 done, but some files failed (ingest, extract);
64 a malformed search query (search, list, kwic, collocates); 130 interrupted (Ctrl-C or SIGTERM; everything finished is kept).
"""

from __future__ import annotations

import contextlib
import getpass
import html
import json
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from archivist import __version__
from archivist.errors import ArchivistError
from archivist.model import METADATA_FIELDS, Extraction
from archivist.pipeline import Executor
from archivist.pipeline import Progress as IngestProgress
from archivist.store import DEFAULT_DB, Archive, ArchiveDatabaseError, explain_error

FORMATS = click.Choice(["text", "json"])
EXIT_ERROR = 1
EXIT_USAGE = 2  # click's own code for a usage error
EXIT_FAILURES = 3  # the run finished, but some files could not be read
EXIT_INTERRUPTED = 130
EXIT_CODES_HELP = (
    "Exit status: 0 done; 1 error (one line); 2 usage error; 3 some files failed; 64 malformed search "
    "query; 130 interrupted."
)

# Text from archive pages is printed literally: no console markup, no emoji codes, no escape
# sequences reaching the terminal.
err_console = Console(stderr=True, soft_wrap=True, emoji=False, markup=False, highlight=False)
out_console = Console(soft_wrap=True, emoji=False, markup=False, highlight=False)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def literal(text: str) -> str:
    """`text` safe for a terminal: control characters (escape sequences, bidi overrides) shown as
    escapes instead of acted on."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def _fail(message: str, code: int = EXIT_ERROR) -> None:
    err_console.print(Text.assemble(("error: ", "bold red"), literal(message)))
    sys.exit(code)


def _debugging(ctx: click.Context) -> bool:
    return bool(ctx.find_root().meta.get("debug") or ctx.find_root().params.get("debug"))


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchivistError as err:
            if _debugging(ctx):
                raise
            _fail(str(err))
        except ArchiveDatabaseError as err:
            if _debugging(ctx):
                raise
            _fail(f"the archive: {explain_error(err)}")
        except OSError as err:
            if _debugging(ctx):
                raise
            _fail(f"{err.filename or ''}: {err.strerror or err}" if err.filename else str(err))


F = TypeVar("F", bound=Callable[..., Any])


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_root().meta["debug"] = True


def debug_option(f: F) -> F:
    """--debug is accepted after the subcommand too (`archivist show X --debug`)."""
    return click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
                        help="Show tracebacks instead of one-line errors.")(f)  # fmt: skip


def stage_engine_options(f: F) -> F:
    """--jobs, --engine and --scheduler of the commands that run stages over stored documents."""
    for option in reversed((
        click.option("--jobs", "-j", type=int, default=1, show_default=True,
                     help="Worker processes (0: one per core)."),
        click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True),
        click.option("--scheduler", default=None, help="With --engine dask: address of an existing scheduler."),
    )):  # fmt: skip
        f = option(f)
    return f


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=EXIT_CODES_HELP)  # fmt: skip
@click.version_option(__version__, prog_name="archivist")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def main(debug: bool) -> None:
    """archivist: raw historical writings from online archives into one clean, linked SQLite archive.

    Point it at folders of saved archive pages (Marxists Internet Archive HTML, MediaWiki pages,
    plain text, Markdown, TEI) and it recovers each document — title, authors, dates, source,
    place, translator, language, type and its parts — into one archive file (default ./archive.db).
    Each folder is a collection; a document's id comes from its collection and path, so it stays
    the same when the file is edited, the folder moves or the archive is rebuilt.
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


_TERMINATED: list[int] = []
_SIGNALLED: list[int] = []  # every SIGINT or SIGTERM a run received (see `_stop_requested`)


def _terminate_as_interrupt(signum: int, frame: object) -> None:
    """SIGTERM (a service manager, `kill`) stops a run as Ctrl-C does."""
    _TERMINATED.append(signum)
    _SIGNALLED.append(signum)
    raise KeyboardInterrupt


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C: KeyboardInterrupt, as Python's own handler raises it, and the signal recorded."""
    _SIGNALLED.append(signum)
    raise KeyboardInterrupt


def _stop_requested() -> bool:
    """Whether a signal came: its KeyboardInterrupt may have been raised inside a garbage
    collector's callback, where Python prints and ignores it, and the run must still stop."""
    return bool(_SIGNALLED)


@contextlib.contextmanager
def _stoppable() -> Iterator[None]:
    """Run a long command so that Ctrl-C or SIGTERM stops it cleanly: the signal is recorded (the
    work asks `_stop_requested` between batches) and raised; the command exits 130 with every
    finished batch kept."""
    _SIGNALLED.clear()
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    previous_int = signal.signal(signal.SIGINT, _interrupt)
    try:
        yield
    except KeyboardInterrupt:
        _interrupted()
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


def _interrupted() -> None:
    """Say the run was interrupted and exit 130. After SIGTERM the process exits at once, once
    everything is flushed: what was finished is committed, and nothing (a pool's manager thread at
    interpreter exit) may keep a terminated process alive."""
    err_console.print("interrupted: every finished batch is kept; run the same command again to finish")
    if _TERMINATED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)
    sys.exit(EXIT_INTERRUPTED)


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file to create or update.")
@click.option("--collection", "-c", default=None,
              help="Name the inputs' collection (default: each folder's own name). Keys are COLLECTION/PATH.")  # fmt: skip
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
@debug_option
def ingest(inputs: tuple[str, ...], db: str, collection: str | None, jobs: int, engine: str, scheduler: str | None,
           batch_size: int, force: bool, fmt: str, quiet: bool) -> None:  # fmt: skip
    """Read files and folders of archive pages into the archive.

    Each folder given is a collection, named by the folder (or --collection); a document's key is
    COLLECTION/PATH-INSIDE and its id is derived from the key. Every file's original bytes are kept
    (by SHA-256). Unchanged files are skipped; a changed file becomes a new version with the old
    one kept; a file gone from a folder given again is withdrawn (kept, no longer current). Files
    that cannot be read are recorded as failures with a reason and the run goes on; links leaving
    the inputs, hidden files, FIFOs and the archive's own files are skipped and counted. Ctrl-C or
    SIGTERM stops the run with every finished batch kept; the same command finishes it.
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
    with _stoppable(), Archive(db) as archive:
        report = run_ingest(inputs, archive, executor=executor, engine=engine, batch_size=batch_size,
                            force=force, progress=progress, collection=collection,
                            stop=_stop_requested)  # fmt: skip
        _update_search_index(archive, quiet or fmt == "json")
    data = report.to_dict()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        summary = Text(
            f"{report.files_seen} files: {data['new']} new, {data['changed']} changed, {data['unchanged']} unchanged, "
        )
        summary.append(f"{report.counts.failed} failed", style="red" if report.counts.failed else "green")
        if report.withdrawn:
            summary.append(f", {report.withdrawn} withdrawn (their files are gone)")
        summary.append(f" in {report.seconds:.1f}s → {db}")
        out_console.print(summary)
        if report.still_failing:
            out_console.print(
                f"{report.still_failing} unchanged files still fail: `archivist failures --db {db}`"
            )
        if report.skipped:
            shown = ", ".join(f"{reason} {n}" for reason, n in report.skipped.items())
            out_console.print(f"skipped, not read: {shown}")
        for failure in data["failures"][:20]:  # type: ignore[index]
            err_console.print(Text.assemble(("  failed ", "red"),
                                            literal(f"{failure['path']}: {failure['message']} [{failure['reason']}]")))  # fmt: skip
        if report.counts.failed > 20:
            err_console.print(f"  … and {report.counts.failed - 20} more: `archivist failures --db {db}`")
    if report.failing:
        sys.exit(EXIT_FAILURES)


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True))
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "json", "text"]), default="jsonl", show_default=True
)
@click.option("--no-text", is_flag=True, help="Leave the canonical text out of the JSON (parts keep theirs).")
@click.option(
    "--collection", "-c", default=None, help="Name the inputs' collection (default: the folder's name)."
)
@click.option(
    "--no-enrich", is_flag=True, help="Leave out `mentions` and `dates` (the entity and date stages)."
)
@debug_option
def extract(files: tuple[str, ...], fmt: str, no_text: bool, collection: str | None, no_enrich: bool) -> None:
    """Extract documents from files without a database: one JSON object per document on stdout.

    Each record carries `mentions` (start, end, text, label, entity_id, entity_name, wikidata,
    confidence) and `dates` (start, end, text, value, anchor, kind) unless --no-enrich.
    Failures go to stderr as one line each; the exit status is 3 when any file failed.
    """
    from archivist.pipeline import collect_inputs, extract_input

    failed = 0
    records = []
    for item in collect_inputs(files, collection=collection).files:
        result = extract_input(item)
        if result.document is None:
            failed += 1
            err_console.print(Text.assemble(("failed ", "red"),
                                            literal(f"{item.path}: {result.failure_detail} [{result.failure}]")))  # fmt: skip
            continue
        record = result.document.to_record()
        if not no_enrich:
            record.update(_enrichment(result.document))
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


def _enrichment(doc: Any) -> dict[str, Any]:
    """The entity and date stages' spans of one document, as the extract contract carries them."""
    from archivist.enrich import dates, mentions

    text = doc.text
    out_mentions = [
        {"start": s.start, "end": s.end, "text": text[s.start : s.end], "label": s.attrs.get("label"),
         "entity_id": s.attrs.get("entity_id"), "entity_name": s.attrs.get("entity_name"),
         "wikidata": s.attrs.get("wikidata"), "confidence": s.attrs.get("confidence"),
         "evidence": s.attrs.get("evidence"), **({"fields": s.attrs["fields"]} if s.attrs.get("fields") else {})}
        for s in mentions.annotate(doc)
    ]  # fmt: skip
    out_dates = [
        {"start": s.start, "end": s.end, "text": text[s.start : s.end], "value": s.attrs.get("value"),
         "anchor": s.attrs.get("anchor_value"), "anchor_source": s.attrs.get("anchor"),
         "relative": bool(s.attrs.get("relative")), "kind": s.attrs.get("kind")}
        for s in dates.annotate(doc)
    ]  # fmt: skip
    return {"mentions": out_mentions, "dates": out_dates}


_SHOWN_FIELDS = ("id", "path", "version", "status", *METADATA_FIELDS)


def _print_document(record: dict[str, Any]) -> None:
    corrected = {c["field"]: c for c in record.get("corrections", []) if c["target"] == "field"}
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key in _SHOWN_FIELDS:
        value = record.get(key)
        if value in (None, [], "") and key not in corrected:
            continue
        shown = Text(literal("; ".join(value) if isinstance(value, list) else str(value)))
        if key in corrected:
            c = corrected[key]
            was = c["extracted"]
            was_text = "; ".join(was) if isinstance(was, list) else str(was)
            shown.append(
                f"   (corrected #{c['id']} by {c['author']}; extracted: {literal(was_text)})", style="yellow"
            )
        table.add_row(key, shown)
    out_console.print(table)
    for seq, part in enumerate(record["parts"]):
        extra = ", ".join(f"{k}={part[k]}" for k in ("author", "date", "place", "title") if k in part)
        snippet = part["text"].replace("\n", " ")
        snippet = snippet if len(snippet) < 90 else snippet[:60] + " … " + snippet[-25:]
        line = Text.assemble(f"{seq:>3} ", (f"{part['kind']:>14}", "magenta"),
                             f" {part['start']:>6}–{part['end']:<6} ", literal(snippet))  # fmt: skip
        if extra:
            line.append(f"  ({literal(extra)})", style="dim")
        out_console.print(line)
    for c in record.get("corrections", []):
        if c["target"] == "part":
            style = "yellow" if c["status"] == "applied" else "red"
            out_console.print(Text(literal(f"  part correction #{c['id']} by {c['author']}: {c['value']} "
                                           f"[{c['status']}]" + (f" — {c['note']}" if c["note"] else "")), style=style))  # fmt: skip


def _resolve(archive: Archive, doc_id: str | None, path: str | None) -> Any:
    """The document a user named by id or by path (or path suffix); several matches are listed."""
    if not doc_id and not path:
        raise click.UsageError("give a DOC_ID or --path PATH")
    doc = archive.document(doc_id) if doc_id else archive.document_at(path or "")
    if doc is not None:
        return doc
    if path:
        matches = archive.matching_paths(path, limit=21)
        if len(matches) > 1:
            listed = "\n  ".join(matches[:20]) + ("\n  …" if len(matches) > 20 else "")
            raise ArchivistError(f"{path!r} matches {len(matches) if len(matches) <= 20 else 'over 20'} "
                                 f"documents; give one of:\n  {listed}")  # fmt: skip
    raise ArchivistError(
        f"{archive.path}: no document {doc_id or path!r}; `archivist stats --db {archive.path}` lists what is there"
    )


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("doc_id", required=False)
@click.option("--path", "path", default=None, help="Show the document of this file path (or path suffix).")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option(
    "--text/--no-text", "with_text", default=None,
    help="Print the whole canonical text (text format: off by default; JSON: on by default).",
)  # fmt: skip
@click.option("--extracted", is_flag=True, help="As extracted, without people's corrections.")
@debug_option
def show(
    doc_id: str | None, path: str | None, db: str, fmt: str, with_text: bool | None, extracted: bool
) -> None:
    """Show one document: its fields (corrections marked, with the extracted value), provenance,
    parts, versions and layers. DOC_ID is a document id, or a version id for an older version."""
    with Archive(db, readonly=True) as archive:
        doc = _resolve(archive, doc_id, path)
        if extracted:
            doc = archive.document(doc.id, corrected=False) if doc.status != "superseded" else doc
        versions = archive.versions(doc.id)
    record = doc.to_record()
    record["versions"] = versions
    if fmt == "json":
        if with_text is False:
            record.pop("text")
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    _print_document(record)
    if len(versions) > 1:
        out_console.print("versions: " + ", ".join(
            f"{v['version']}{' (current)' if v['current'] else ''}" for v in versions))  # fmt: skip
    if with_text:
        out_console.print()
        out_console.print(literal(record["text"]))


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("doc_id")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")  # fmt: skip
@debug_option
def original(doc_id: str, db: str, output: str | None) -> None:
    """Write a document's original file, byte for byte: `archivist original DOC_ID > page.htm`.

    DOC_ID is a document id (its current version), a version id or a SHA-256.
    """
    with Archive(db, readonly=True) as archive:
        data = archive.original_bytes(doc_id)
    if output:
        Path(output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("--top", type=int, default=0, help="Show at most this many rows per count (0: all).")
@debug_option
def stats(db: str, fmt: str, top: int) -> None:
    """Counts by collection, source, format, language, decade, type and author (as corrected);
    once `archivist enrich` has run, authors as people (every spelling of one person together);
    failures by reason."""
    with Archive(db, readonly=True) as archive:
        data = archive.stats()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    head = Text(f"{data['documents']} documents from {data['files']} files "
                f"({data['originals_bytes']:,} bytes of originals), {data['parts']} parts, ")  # fmt: skip
    head.append(f"{data['failures']} failures", style="red" if data["failures"] else "green")
    if data["withdrawn"]:
        head.append(f", {data['withdrawn']} withdrawn")
    if data["corrections"]:
        head.append(f", {data['corrections']} corrections")
    out_console.print(head)
    for key, label in (("by_collection", "collection"), ("by_source", "source"), ("by_format", "format"),
                       ("by_language", "language"), ("by_type", "type"), ("by_decade", "decade"),
                       ("top_authors", "author"), ("top_author_entities", "as person"),
                       ("failure_reasons", "failure")):  # fmt: skip
        items = list(data[key].items())
        if items:
            shown = ", ".join(f"{k} {v}" for k, v in (items[:top] if top else items))
            more = f", … {len(items) - top} more" if top and len(items) > top else ""
            out_console.print(Text.assemble((f"  {label:>10}", "cyan"), "  ", literal(shown + more)))


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@debug_option
def failures(db: str, fmt: str) -> None:
    """Files that could not be read, with the reason."""
    with Archive(db, readonly=True) as archive:
        rows = archive.failures()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        out_console.print("no failures: every file was read")
    for row in rows:
        out_console.print(literal(f"{row['path']}: {row['message']} [{row['reason']}]"))


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@debug_option
def collections(db: str, fmt: str) -> None:
    """The collections in the archive: name, the folder last ingested, current documents."""
    with Archive(db, readonly=True) as archive:
        rows = archive.collections()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        out_console.print(literal(f"{row['name']}: {row['documents']} documents, from {row['root']}"))


def _who(by: str | None) -> str:
    if by:
        return by
    try:
        return os.environ.get("ARCHIVIST_USER") or getpass.getuser()
    except Exception:
        return "unknown"


def _field_value(field: str, value: str) -> Any:
    """A value as typed on the command line, in the field's own shape."""
    from archivist.store.archive import field_value_from_text

    try:
        return field_value_from_text(field, value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from err


CORRECT_HELP = (
    """Correct a document's metadata field, or one of its parts, by hand.

    \b
      archivist correct DOC_ID title "Sees Closer Hitler-Stalin Ties" --note "typo"
      archivist correct --path seeds/000.txt authors "Leon Trotsky; Natalia Sedova"
      archivist correct DOC_ID --part 5 --kind postscript
      archivist correct DOC_ID --part 3 --span "exact text the part covers"
      archivist correct --undo 7

    Corrections are kept apart from what the extractor found (which stays, shown beside them),
    applied wherever the document is read, and survive re-ingests and edited files; a part
    correction is found again by the part's text, and reported when it no longer can be.
    FIELD is one of: """
    + ", ".join(METADATA_FIELDS)
    + """. `null` clears a field; authors are separated by ';'."""
)


@main.command(help=CORRECT_HELP, epilog=EXIT_CODES_HELP)
@click.argument("doc_id", required=False)
@click.argument("field", required=False)
@click.argument("value", required=False)
@click.option("--path", default=None, help="The document by file path (or path suffix) instead of DOC_ID.")
@click.option("--part", "part", type=int, default=None, help="Correct part N (as `show` numbers them).")
@click.option("--kind", default=None, help="With --part: the part's right kind (postscript, signature, …).")
@click.option("--span", "span_text", default=None,
              help="With --part: the exact text the part should cover (its new boundaries).")  # fmt: skip
@click.option("--note", default=None, help="Why: kept with the correction.")
@click.option("--by", default=None, help="Who corrects (default: $ARCHIVIST_USER or the login name).")
@click.option("--undo", type=int, default=None, help="Undo correction ID (it is kept, marked undone).")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@debug_option
def correct(doc_id: str | None, field: str | None, value: str | None, path: str | None, part: int | None,
            kind: str | None, span_text: str | None, note: str | None, by: str | None, undo: int | None, db: str,
            fmt: str) -> None:  # fmt: skip
    who = _who(by)
    with Archive(db) as archive:
        if undo is not None:
            archive.undo_correction(undo, who)
            result: dict[str, Any] = {"undone": undo, "by": who}
        else:
            if doc_id and field is None and path is None and part is None:
                raise click.UsageError("say what to correct: FIELD VALUE, or --part N with --kind/--span")
            if path and doc_id:  # `correct --path P FIELD VALUE`: the arguments shift left
                doc_id, field, value = None, doc_id, field
            doc = _resolve(archive, doc_id, path)
            if part is not None:
                number = archive.correct_part(doc.id, part, who, kind=kind, text=span_text, note=note)
            else:
                if field is None or value is None:
                    raise click.UsageError("give FIELD and VALUE (or --part N)")
                if field not in METADATA_FIELDS:
                    raise click.BadParameter(
                        f"{field!r}; one of: {', '.join(METADATA_FIELDS)}", param_hint="FIELD"
                    )
                number = archive.correct_field(doc.id, field, _field_value(field, value), who, note)
            result = {"correction": number, "document": doc.id, "path": doc.path, "by": who}
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False))
    elif "undone" in result:
        out_console.print(f"correction {undo} undone")
    else:
        out_console.print(
            literal(f"correction {result['correction']} recorded on {result['path']} ({result['document']})")
        )


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("doc_id", required=False)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--all", "include_undone", is_flag=True, help="Include corrections that were undone.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@debug_option
def corrections(doc_id: str | None, db: str, include_undone: bool, fmt: str) -> None:
    """People's corrections: who, when, why, the extracted value, and whether each still applies
    (`unanchored`: the part it was made on is no longer in the document)."""
    with Archive(db, readonly=True) as archive:
        rows = archive.corrections(doc_id, include_undone=include_undone)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        out_console.print("no corrections")
    for row in rows:
        what = row["field"] if row["target"] == "field" else f"part ({row['part_kind']})"
        line = (f"#{row['id']} {row['path']} {what}: {json.dumps(row['extracted'], ensure_ascii=False)} → "
                f"{json.dumps(row['value'], ensure_ascii=False)}  [{row['status']}] by {row['author']} "
                f"{row['created_at']}" + (f" — {row['note']}" if row["note"] else ""))  # fmt: skip
        out_console.print(Text(literal(line), style="red" if row["status"] == "unanchored" else ""))


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--stage", "stage_names", multiple=True, help="Stage(s) to run (default: all). See --list.")
@click.option("--list", "list_stages", is_flag=True, help="List the stages: what each needs and adds.")
@stage_engine_options
@click.option("--force", is_flag=True, help="Run on every document, not only those not yet annotated.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@debug_option
def annotate(db: str, stage_names: tuple[str, ...], list_stages: bool, jobs: int, engine: str,
             scheduler: str | None, force: bool, fmt: str, quiet: bool) -> None:  # fmt: skip
    """Run annotation stages over the documents of an archive, incrementally.

    A stage reads a stored document and adds spans in layers of its own (paragraphs, dates, …);
    it runs only on documents it has not read in their current version (--force: all). Results are
    written in batches by this process alone, so --jobs N and --engine dask only add workers.
    """
    from archivist.enrich import STAGES, run_stages

    if list_stages:
        listing = [s.describe() for s in STAGES.values()]
        if fmt == "json":
            click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        else:
            for item in listing:
                out_console.print(f"{item['name']} {item['version']}: needs {', '.join(item['needs']) or '-'}; "
                                  f"adds {', '.join(item['adds'])} — {item['about']}")  # fmt: skip
        return
    unknown = [n for n in stage_names if n not in STAGES]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}; stages: {', '.join(STAGES)}", param_hint="--stage")
    with _stoppable(), Archive(db) as archive:
        reports = run_stages(archive, list(stage_names) or list(STAGES), jobs=jobs, engine=engine,
                             scheduler=scheduler, force=force, progress=not quiet and fmt == "text",
                             stop=_stop_requested)  # fmt: skip
    if fmt == "json":
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
    else:
        for r in reports:
            out_console.print(f"{r['stage']}: {r['documents']} documents annotated, {r['spans']} spans "
                              f"({r['up_to_date']} already up to date) in {r['seconds']:.1f}s")  # fmt: skip


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option(
    "--output", "-o", default=None, help="Where to write the metadata (default: ARCHIVE.datasette.json)."
)
@debug_option
def datasette(db: str, output: str | None) -> None:
    """Write Datasette metadata beside the archive (descriptions, label columns, facets, the
    original bytes hidden) and say how to open it: `datasette archive.db -m archive.datasette.json`.
    The views `current_documents` (corrections applied) and `parts_text` (each part with its text)
    are in the archive itself."""
    from archivist.store.datasette import datasette_metadata

    with Archive(db, readonly=True):
        pass  # an archive, not any file
    target = Path(output) if output else Path(db).with_suffix(".datasette.json")
    target.write_text(json.dumps(datasette_metadata(db), ensure_ascii=False, indent=2) + "\n")
    out_console.print(literal(f"wrote {target}; open the archive with: datasette {db} -m {target}"))


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


def _source_of(path: str) -> str:
    top = path.split("/", 1)[0]
    return "gitenberg" if top.startswith("gitenberg") else top


@eval_group.command("metadata")
@click.option(
    "--gold", default="../shared/gold/metadata-dev.jsonl", show_default=True, type=click.Path(exists=True)
)
@click.option(
    "--corpus", default=None, type=click.Path(exists=True), help="Corpus folder (default: beside gold)."
)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("--mismatches", is_flag=True, help="List every wrong field (text format).")
@click.option("--by-source", is_flag=True, help="Accuracy per source (the path's first folder) and field.")
def eval_metadata(gold: str, corpus: str | None, fmt: str, mismatches: bool, by_source: bool) -> None:
    """Per-field accuracy of metadata and body boundaries against metadata gold."""
    from archivist.evaluate import load_gold_metadata, score_metadata

    rows = load_gold_metadata(gold)
    root = Path(corpus) if corpus else Path(gold).resolve().parent.parent / "corpus"
    records = _extract_for_gold([r["path"] for r in rows], root)
    report = score_metadata(rows, records)
    if by_source:
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(_source_of(row["path"]), []).append(row)
        scored = {name: score_metadata(part, records) for name, part in sorted(groups.items())}
        if fmt == "json":
            click.echo(json.dumps({name: {"n": r.n, "mean": r.mean, "accuracy": r.accuracy}
                                   for name, r in scored.items()}, indent=2))  # fmt: skip
            return
        fields = list(report.accuracy)
        click.echo("source".ljust(18) + "  n   mean  " + " ".join(f[:8].rjust(8) for f in fields))
        for name, r in [*scored.items(), ("all", report)]:
            click.echo(
                f"{name[:18]:<18} {r.n:>3}  {r.mean:.2f}  "
                + " ".join(f"{r.accuracy[f]:8.2f}" for f in fields)
            )
        return
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
    out_console.print(
        Text.assemble((f"{shown}{result.total}", "bold"), f" documents ({result.took_ms:.0f} ms)")
    )
    for warning in result.warnings:
        err_console.print(Text.assemble(("note: ", "yellow"), literal(warning)))
    for i, hit in enumerate(result.hits, result.offset + 1):
        authors = "; ".join(hit.authors)
        meta = " · ".join(x for x in (authors, hit.date, hit.type, hit.lang) if x)
        out_console.print(Text.assemble((f"{i:>3}. {literal(hit.title or '(untitled)')}", "bold"), "  ",
                                        (literal(meta), "dim")))  # fmt: skip
        out_console.print(Text.assemble("     ", (literal(hit.path), "cyan"),
                                        (f" {hit.passage.part} {hit.passage.start}–{hit.passage.end} id {hit.id}",
                                         "dim")))  # fmt: skip
        line = Text("     ")
        for k, piece in enumerate(re.split(r"</?b>", hit.snippet)):
            line.append(literal(html.unescape(piece)), style="bold yellow" if k % 2 else "")
        out_console.print(line)
    for name, values in result.facets.items():
        shown_values = ", ".join(f"{k} {v}" for k, v in list(values.items())[:15])
        out_console.print(Text.assemble((f"  {name:>8}", "cyan"), "  ", literal(shown_values)))


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
    year:1930..1934, date:1933-03, type:letter, lang:en, part:editorial-note,
    entity:trotsky (any spelling of an entity, or its id person:trotsky-leon: documents naming
    it, once `archivist enrich` has run).
    Example: archivist search '"Left Opposition" author:trotsky year:1930..1934 type:letter'

    The index (archive.index/ beside the archive) is kept in step by ingest and by enrich, and
    rebuilt by reindex (needed after an enrich run on an archive that had no index yet). Only
    current versions of documents are found.

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
        click.echo(
            literal(f"{line['left']:>{width}} [{line['match']}] {line['right']:<{width}}  {line['path']}")
        )


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
        click.echo(literal(f"{row['word']:<24} {row['count']:>6} {row['log_dice']:>8.2f}"))


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


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file to read.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=int, default=8000, show_default=True, help="Port to listen on (0: any free port)."
)
@click.option(
    "--editable",
    is_flag=True,
    help="Let people correct fields and parts from the document pages (off: the server never writes).",
)
@click.option(
    "--user",
    default=None,
    help="With --editable: who the corrections are by (default: $ARCHIVIST_USER or the login name).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Server processes sharing the port (default: one per core, at most 4; --editable: one).",
)
def serve(db: str, host: str, port: int, editable: bool, user: str | None, workers: int | None) -> None:
    """Serve the reading room: home, search, documents, authors and browsing, each page also as JSON.

    Prints the URL, then serves until Ctrl-C. Without --editable the archive is only read, so an
    ingest may run meanwhile; the JSON API is described at /openapi.json. With --editable each
    document page has a form per field and per part (its kind, the text it covers) and an undo
    button per correction (stored as with `archivist correct`, protected against cross-site
    requests); keep it on 127.0.0.1. Pages are kept per process until the archive changes.
    """
    from archivist.web.server import default_workers
    from archivist.web.server import serve as run_server

    who = _who(user)
    if editable and host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(Text.assemble(("warning: ", "yellow"), literal(
            f"--editable on {host}: anyone who can reach this address can correct the archive")))  # fmt: skip

    def ready(url: str) -> None:
        out_console.print(Text.assemble("Serving ", literal(db), " at ", (url, "bold"), " (Ctrl-C to stop)"))
        if editable:
            out_console.print(literal(f"Editable: corrections are recorded as by {who}"))

    if editable and workers not in (None, 1):
        err_console.print(Text.assemble(("warning: ", "yellow"), "--editable serves with one process"))
    run_server(db, host, port, on_ready=ready, editable=editable, user=who,
               workers=1 if editable else workers or default_workers())  # fmt: skip


# -- text reuse: works, witnesses, quotations, differences (issue 18) ------------------------------
def run_reuse(archive: Archive, rebuild: bool = False, jobs: int = 1, engine: str = "local",
              scheduler: str | None = None, progress: bool = False,
              stop: Callable[[], bool] | None = None) -> dict[str, Any]:  # fmt: skip
    """The fingerprints stage, then the cross-document step (both on --jobs workers or Dask)."""
    from archivist.enrich import run_stages
    from archivist.reuse.run import update

    stage = run_stages(archive, ["fingerprints"], jobs=jobs, engine=engine, scheduler=scheduler, force=rebuild,
                       progress=progress, stop=stop)[0]  # fmt: skip
    bar: list[Any] = []

    def advance(done: int, total: int) -> None:
        if not bar:
            from archivist.enrich.run import progress_bar

            bar.extend(progress_bar("reuse", total))
        bar[0].update(bar[1], completed=done)

    try:
        report = update(archive, rebuild=rebuild, progress=advance if progress else None, jobs=jobs, engine=engine,
                        scheduler=scheduler, stop=stop)  # fmt: skip
    finally:
        if bar:
            bar[0].stop()
    report["fingerprinted"] = stage["documents"]
    report["seconds_fingerprints"] = stage["seconds"]
    return report


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option(
    "--rebuild", is_flag=True, help="Recompute everything, not only what new or changed documents need."
)
@stage_engine_options
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@debug_option
def reuse(
    db: str, rebuild: bool, jobs: int, engine: str, scheduler: str | None, fmt: str, quiet: bool
) -> None:
    """Find text reuse: group copies of one text into works and link shared passages.

    Each document's fingerprint (sampled word n-grams of its own text) is computed by the
    `fingerprints` stage, on --jobs workers or Dask; then only documents new or changed since the
    last run are compared with the archive, on the same workers: candidates from rare shared
    n-grams, a local alignment for the exact passages (at least 40 words, tolerant of OCR noise),
    stored as links in both directions; copies covering each other become witnesses of one work.
    This process alone writes; the results do not depend on --jobs or the engine.
    """
    with _stoppable(), Archive(db) as archive:
        report = run_reuse(archive, rebuild, jobs, engine, scheduler, progress=not quiet and fmt == "text",
                           stop=_stop_requested)  # fmt: skip
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        out_console.print(
            f"{report['indexed']} documents compared ({report['candidates']} candidate pairs, {report['pairs']} "
            f"sharing passages, {report['links'] // 2} passages); {report['works']} works, "
            f"{report['multi_witness_works']} with several witnesses; {report['seconds']:.1f}s"
        )


def _reuse_ready(archive: Archive) -> None:
    from archivist.store import reuse as reuse_store

    if reuse_store.indexed_count(archive) == 0:
        raise ArchivistError(
            f"{archive.path}: no text reuse computed yet; run `archivist reuse --db {archive.path}`"
        )
    waiting = len(reuse_store.pending(archive)) + reuse_store.unfingerprinted(archive)
    if waiting:
        err_console.print(f"note: {waiting} documents are not compared yet (each is its own work below); "
                          f"run `archivist reuse --db {archive.path}`")  # fmt: skip


def _works_listing(archive: Archive) -> list[dict[str, Any]]:
    from archivist.store import reuse as reuse_store

    works: dict[str, dict[str, Any]] = {}
    for row in reuse_store.works(archive):
        work = row["work"] or "w" + row["id"]
        entry = works.setdefault(work, {"id": work, "documents": []})
        entry["documents"].append({"id": row["id"], "path": row["path"], "relation": row["relation"] or "preferred",
                                   "preferred": bool(row["preferred"]) if row["work"] else True})  # fmt: skip
    return list(works.values())


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Text format: list works of one witness too.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@debug_option
def works(db: str, show_all: bool, fmt: str) -> None:
    """Every work of the archive and its witnesses (every current document is in exactly one)."""
    with Archive(db, readonly=True) as archive:
        _reuse_ready(archive)
        listing = _works_listing(archive)
    if fmt == "json":
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    several = [w for w in listing if len(w["documents"]) > 1]
    out_console.print(f"{len(listing)} works, {len(several)} with several witnesses")
    for work in listing if show_all else several:
        out_console.print(f"\n{work['id']}")
        for d in work["documents"]:
            mark = "*" if d["preferred"] else " "
            out_console.print(literal(f" {mark} {d['id']}  {d['relation']:9}  {d['path']}"))


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("doc_id")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@debug_option
def witnesses(doc_id: str, db: str, fmt: str) -> None:
    """The work a document belongs to: its witnesses, how each relates to the preferred text, and
    the work's metadata merged field by field, with where each value came from and every
    disagreement between witnesses."""
    from archivist.reuse.works import merged_metadata
    from archivist.store import reuse as reuse_store

    with Archive(db, readonly=True) as archive:
        _reuse_ready(archive)
        doc = _resolve(archive, doc_id, None)
        work = reuse_store.work_of(archive, doc.id)
        members = reuse_store.witnesses(archive, work) if work else []
        pairs = {m["document_id"]: reuse_store.pair(archive, doc.id, m["document_id"]) for m in members}
    if not members:
        raise ArchivistError(f"{doc.id} is not compared yet; run `archivist reuse --db {db}`")
    merged = merged_metadata(members)
    result = {
        "work": work,
        "document": doc.id,
        "witnesses": [
            {
                "id": m["document_id"],
                "path": m["path"],
                "relation": m["relation"],
                "preferred": bool(m["preferred"]),
                "words": m["words"],
                "coverage": _coverage(pairs.get(m["document_id"]), doc.id),
                **_translation(pairs.get(m["document_id"])),
            }
            for m in members
        ],
        "metadata": merged,
    }
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    out_console.print(f"work {work}: {len(members)} witness{'es' if len(members) != 1 else ''}")
    for w in result["witnesses"]:
        mark = "*" if w["preferred"] else " "
        cover = (
            f"  shares {w['coverage'][0]:.0%} of this / {w['coverage'][1]:.0%} of it" if w["coverage"] else ""
        )
        if "evidence" in w:
            e = w["evidence"]
            cover = (f"  {e['chain']} names and numbers in the same order, confidence {w['confidence']:.2f}: "
                     f"{', '.join(e['anchors'][:8])}")  # fmt: skip
        out_console.print(
            literal(f" {mark} {w['id']}  {w['relation']:9} {w['words']:7} words  {w['path']}{cover}")
        )
    out_console.print("\nmetadata (value ← witness, origin):")
    for name, m in merged.items():
        value = ", ".join(m["value"]) if isinstance(m["value"], list) else m["value"]
        out_console.print(literal(f"  {name}: {value}  ← {m['document']} ({m['origin'] or '?'})"))
        for other in m["others"]:
            v = ", ".join(other["value"]) if isinstance(other["value"], list) else other["value"]
            out_console.print(
                literal(f"      disagrees: {v}  ← {other['document']} ({other['origin'] or '?'})")
            )


def _translation(pair: dict[str, Any] | None) -> dict[str, Any]:
    """For another translation of this document: the confidence and the anchor chain's figures."""
    if not pair or not pair.get("evidence"):
        return {}
    return {"confidence": pair["confidence"], "evidence": pair["evidence"]}


def _coverage(pair: dict[str, Any] | None, this: str) -> list[float] | None:
    """(share of this document, share of the other) inside the passages the two share."""
    if not pair:
        return None
    if pair["a"] == this:
        return [pair["a_coverage"], pair["b_coverage"]]
    return [pair["b_coverage"], pair["a_coverage"]]


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("doc_id")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@debug_option
def quotes(doc_id: str, db: str, fmt: str) -> None:
    """Passages of a document found in other documents (quotations, reprints, copies): each with
    its span here and there, the words on each side, the overlap, and the earlier copy when both
    are dated."""
    from archivist.store import reuse as reuse_store

    with Archive(db, readonly=True) as archive:
        _reuse_ready(archive)
        doc = _resolve(archive, doc_id, None)
        links = reuse_store.links(archive, doc.id)
    if fmt == "json":
        click.echo(json.dumps(links, ensure_ascii=False, indent=2))
        return
    out_console.print(f"{len(links)} passages of {doc.id} ({doc.path}) found elsewhere")
    for link in links:
        first = {None: "", doc.id: "; this copy is earlier"}.get(
            link["earlier"], "; the other copy is earlier"
        )
        out_console.print(literal(
            f"\n[{link['start']}:{link['end']}] {link['words']} words ~ {link['other_id']} [{link['other_start']}:"
            f"{link['other_end']}] {link['other_words']} words, overlap {link['overlap']:.2f}{first}\n"
            f"  here:  {_snippet(link['text'])}\n  there: {_snippet(link['other_text'])}  ({link['other_path']})"
        ))  # fmt: skip


def _snippet(text: str, words: int = 12) -> str:
    parts = text.split()
    if len(parts) <= 2 * words:
        return " ".join(parts)
    return " ".join(parts[:words]) + " … " + " ".join(parts[-words:])


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("doc_a")
@click.argument("doc_b")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@debug_option
def diff(doc_a: str, doc_b: str, db: str, fmt: str) -> None:
    """Word-level differences between two documents (witnesses of one work), aligned by paragraph:
    [-only in A-] {+only in B+}; typography, case and line-end hyphenation are not differences."""
    from archivist.reuse.diff import diff as diff_documents
    from archivist.reuse.diff import format_text

    with Archive(db, readonly=True) as archive:
        a = _resolve(archive, doc_a, None)
        b = _resolve(archive, doc_b, None)
    result = diff_documents(a, b)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        out_console.print(literal(format_text(result)))


@eval_group.command("reuse")
@click.option(
    "--gold", default="../shared/gold/reuse-dev.jsonl", show_default=True, type=click.Path(exists=True)
)
@click.option(
    "--db", default=None, help="An archive already ingested and compared (default: a fresh one of --corpus)."
)
@click.option(
    "--corpus", default=None, type=click.Path(exists=True), help="Corpus folder (default: beside gold)."
)
@click.option("--jobs", "-j", type=int, default=2, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def eval_reuse(gold: str, db: str | None, corpus: str | None, jobs: int, fmt: str) -> None:
    """Precision and recall of witness grouping ("the two are in one work") on gold pairs. Without
    --db, the whole corpus is ingested into a temporary archive and compared first."""
    import tempfile

    from archivist.evaluate import format_reuse, load_gold_reuse, score_reuse
    from archivist.pipeline import ingest as ingest_inputs
    from archivist.pipeline import pool_executor
    from archivist.store import reuse as reuse_store

    rows = load_gold_reuse(gold)
    root = Path(corpus) if corpus else Path(gold).resolve().parent.parent / "corpus"
    with tempfile.TemporaryDirectory() as tmp:
        target = db or str(Path(tmp) / "eval.db")
        with Archive(target) as archive:
            if db is None:
                ingest_inputs([str(root)], archive, executor=pool_executor(jobs) if jobs > 1 else None)
            run_reuse(archive, jobs=jobs)
            listing = reuse_store.works(archive)
    work_of = {}
    for row in listing:
        inside = row["path"].split("/", 1)[1] if "/" in row["path"] else row["path"]
        work_of[inside] = row["work"]
        work_of[row["path"]] = row["work"]
    report = score_reuse(rows, work_of)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(format_reuse(report))


# -- entities and dates (issue 16) ----------------------------------------------------------------------------
ENTITY_TYPES = click.Choice(["person", "organisation", "place", "periodical", "event"])


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@stage_engine_options
@click.option("--force", is_flag=True, help="Run on every document, not only those not yet annotated.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@debug_option
def enrich(
    db: str, jobs: int, engine: str, scheduler: str | None, force: bool, fmt: str, quiet: bool
) -> None:
    """Find who, where and when: run the `mentions` and `dates` stages (incrementally, on --jobs N
    processes or Dask), then resolve the archive's entities across documents (people not in the
    authority file clustered by surname, given names and context) into the tables `entities` and
    `entity_mentions`, read by `entities`, `entity` and `timeline`; the search index, if there is
    one, is brought in step so that `entity:` finds them."""
    from archivist.enrich import run_stages
    from archivist.enrich.entities import resolve
    from archivist.search import index_path

    with _stoppable(), Archive(db) as archive:
        reports = run_stages(archive, ["mentions", "dates"], jobs=jobs, engine=engine, scheduler=scheduler,
                             force=force, progress=not quiet and fmt == "text", stop=_stop_requested)  # fmt: skip
        resolved = resolve(archive)
        if index_path(db).is_dir():  # entity: in search finds what enrich linked
            _update_search_index(archive, quiet or fmt != "text")
    if fmt == "json":
        click.echo(json.dumps({"stages": reports, "entities": resolved}, ensure_ascii=False, indent=2))
        return
    for r in reports:
        out_console.print(f"{r['stage']}: {r['documents']} documents annotated, {r['spans']} spans "
                          f"({r['up_to_date']} already up to date) in {r['seconds']:.1f}s")  # fmt: skip
    out_console.print(f"entities: {resolved['entities']} ({resolved['archive_entities']} not in the authority file, "
                      f"{resolved['merged_across_documents']} merged across documents), {resolved['mentions']} mentions")  # fmt: skip


def _entities(archive: Archive) -> Any:
    from archivist.store.entities import Entities

    found = Entities(archive)
    if not found.ready():
        _fail("no entities in this archive yet: run `archivist enrich --db ARCHIVE` first")
    return found


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--type", "type_", type=ENTITY_TYPES, default=None, help="Only entities of this type.")
@click.option("--top", type=int, default=50, show_default=True, help="At most this many (0: all).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@debug_option
def entities(db: str, type_: str | None, top: int, fmt: str) -> None:
    """The entities the archive names, most documents first: documents and mentions of each."""
    with Archive(db, readonly=True) as archive:
        rows = _entities(archive).top(type_, top)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(box=None, pad_edge=False)
    for column in ("name", "type", "documents", "mentions", "id", "wikidata"):
        table.add_column(column, justify="right" if column in ("documents", "mentions") else "left")
    for r in rows:
        table.add_row(
            literal(r["name"]),
            r["type"],
            str(r["documents"]),
            str(r["mentions"]),
            r["id"],
            r["wikidata"] or "",
        )
    out_console.print(table)


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("name")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@debug_option
def entity(name: str, db: str, fmt: str) -> None:
    """One entity by name, variant or id ("Trotsky", "Trotzki", person:trotsky-leon): the variants
    written, documents by year, the entities named beside it, and its documents."""
    with Archive(db, readonly=True) as archive:
        from archivist.enrich.entities import find

        store = _entities(archive)
        ids = find(archive, name)
        if not ids:
            _fail(f"no entity named {name!r} in this archive")
        found = [store.describe(i) for i in ids[:5]]
    found = [f for f in found if f]
    if fmt == "json":
        click.echo(json.dumps(found[0] if len(found) == 1 else found, ensure_ascii=False, indent=2))
        return
    for e in found:
        out_console.print(literal(f"{e['name']}  [{e['type']}] {e['id']}" + (f"  wikidata {e['wikidata']}" if e["wikidata"] else "")
                                  + (f"  ({e['born'] or '?'}–{e['died'] or ''})" if e.get("born") or e.get("died") else "")))  # fmt: skip
        count = sum(e["documents_by_year"].values())
        out_console.print(f"  {count} documents, {e['mentions']} mentions; origin {e['origin']}")
        out_console.print(literal("  variants: " + ", ".join(f"{k} ({v})" for k, v in e["variants"].items())))
        out_console.print(
            "  documents by year: " + ", ".join(f"{k}: {v}" for k, v in e["documents_by_year"].items())
        )
        out_console.print(
            literal(
                "  named beside: "
                + ", ".join(f"{c['name']} ({c['documents']})" for c in e["co_mentioned"][:12])
            )
        )
        for d in e["documents"][:10]:
            out_console.print(literal(f"    {d['date'] or '?':<10} {d['title'] or d['path']}  [{d['id']}]"))


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--entity", "entity_name", default=None, help="Only documents naming this entity.")
@click.option("--from", "start", default=None, help="From this year (or date).")
@click.option("--to", "end", default=None, help="Up to this year (or date).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@debug_option
def timeline(db: str, entity_name: str | None, start: str | None, end: str | None, fmt: str) -> None:
    """Documents in date order (written, else published), optionally only those naming an entity,
    with the count per year."""
    with Archive(db, readonly=True) as archive:
        store = _entities(archive)
        entity_id = None
        if entity_name:
            from archivist.enrich.entities import find

            ids = find(archive, entity_name)
            if not ids:
                _fail(f"no entity named {entity_name!r} in this archive")
            entity_id = ids[0]
        result = store.timeline(entity_id, start, end)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for year, count in result["by_year"].items():
        out_console.print(f"{year}  {'#' * min(count, 60)} {count}")
    for d in result["documents"]:
        extra = f"  ({d['mentions']} mentions)" if "mentions" in d else ""
        out_console.print(literal(f"{d['date']:<10}  {d['title'] or d['path']}{extra}  [{d['id']}]"))


def _gold_options(gold: str, mismatches: str) -> Callable[[F], F]:
    """The options every scorer of a gold file takes: the gold, the corpus beside it, the format,
    and whether to list the mismatches."""

    def wrap(f: F) -> F:
        for option in reversed([
            click.option("--gold", default=gold, show_default=True, type=click.Path(exists=True)),
            click.option("--corpus", default=None, type=click.Path(exists=True),
                         help="Corpus folder (default: ../corpus beside the gold)."),
            click.option("--format", "fmt", type=FORMATS, default="text", show_default=True),
            click.option("--mismatches", is_flag=True, help=mismatches),
        ]):  # fmt: skip
            f = option(f)
        return f

    return wrap


@eval_group.command("entities")
@_gold_options("../shared/gold/entities-dev.jsonl", "List every missed and extra person (text format).")
def eval_entities(gold: str, corpus: str | None, fmt: str, mismatches: bool) -> None:
    """Person linking against entities gold: precision, recall, consistency across documents."""
    from archivist.evaluate_enrich import score_entities, score_seed_enrichment

    report = score_entities(gold, corpus=corpus).to_record()
    seeds = Path(gold).resolve().parent / "seeds.json"
    if seeds.exists():
        report["seeds"] = score_seed_enrichment(seeds)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    out_console.print(f"documents {report['documents']}  gold people {report['gold_people']}  system entities "
                      f"{report['system_entities']}  matched {report['matched']}")  # fmt: skip
    out_console.print(f"precision {report['precision']:.3f}  recall {report['recall']:.3f}  f1 {report['f1']:.3f}  "
                      f"consistency {report['consistency']:.3f} ({report['people_in_several_documents']} people in several documents)")  # fmt: skip
    if "seeds" in report:
        got = report["seeds"]
        out_console.print(f"seeds: mentions {got['mentions'][0]}/{got['mentions'][1]}, dates {got['dates'][0]}/"
                          f"{got['dates'][1]}, across documents {got['across_documents'][0]}/{got['across_documents'][1]}")  # fmt: skip
    if mismatches:
        for m in report["misses"]:
            out_console.print(literal(json.dumps(m, ensure_ascii=False)))


@eval_group.command("dates")
@_gold_options("../shared/gold/dates-dev.jsonl", "List every wrong, missed and extra date (text format).")
def eval_dates(gold: str, corpus: str | None, fmt: str, mismatches: bool) -> None:
    """Temporal expressions against dates gold: value precision, recall, F1, relative recall."""
    from archivist.evaluate_enrich import score_dates

    report = score_dates(gold, corpus=corpus).to_record()
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    out_console.print(f"gold {report['gold']}  system {report['system']}  correct {report['correct']}")
    out_console.print(f"precision {report['precision']:.3f}  recall {report['recall']:.3f}  f1 {report['f1']:.3f}  "
                      f"relative recall {report['relative_recall']:.3f} (of {report['relative_gold']})")  # fmt: skip
    if mismatches:
        for m in report["misses"]:
            out_console.print(literal(json.dumps(m, ensure_ascii=False)))


if __name__ == "__main__":
    main()
