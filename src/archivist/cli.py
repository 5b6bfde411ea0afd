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

Exit status, every command: 0 done; 1 an error (one line on stderr; --debug for a traceback);
2 a usage error (a bad option or argument); 3 done, but some files failed (ingest, extract);
130 interrupted (Ctrl-C or SIGTERM; everything finished is kept).
"""

from __future__ import annotations

import getpass
import json
import os
import re
import signal
import sqlite3
import sys
from collections.abc import Callable
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
from archivist.store import DEFAULT_DB, Archive

FORMATS = click.Choice(["text", "json"])
EXIT_ERROR = 1
EXIT_USAGE = 2  # click's own code for a usage error
EXIT_FAILURES = 3  # the run finished, but some files could not be read
EXIT_INTERRUPTED = 130
EXIT_CODES_HELP = (
    "Exit status: 0 done; 1 error (one line); 2 usage error; 3 some files failed; 130 interrupted."
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
        except sqlite3.DatabaseError as err:
            if _debugging(ctx):
                raise
            from archivist.store.archive import _explain

            _fail(f"the archive: {_explain(err)}")
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


def _terminate_as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


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
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        with Archive(db) as archive:
            report = run_ingest(inputs, archive, executor=executor, engine=engine, batch_size=batch_size,
                                force=force, progress=progress, collection=collection)  # fmt: skip
    except KeyboardInterrupt:
        err_console.print("interrupted: every finished batch is kept; run the same command again to finish")
        sys.exit(EXIT_INTERRUPTED)
    finally:
        signal.signal(signal.SIGTERM, previous)
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
                       ("top_authors", "author"), ("failure_reasons", "failure")):  # fmt: skip
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
    if field == "authors":
        if value.strip().startswith("["):
            parsed = json.loads(value)
            if not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed):
                raise click.BadParameter("authors: a JSON list of names, or names separated by ';'")
            return parsed
        return [v.strip() for v in value.split(";") if v.strip()]
    if value in ("", "null", "none", "None"):
        return None
    if field in ("date_written", "date_published") and not re.fullmatch(
        r"[0-9X]{4}(-[0-9X]{2}(-[0-9X]{2})?)?[~?%]?(/[0-9X]{4}(-[0-9X]{2}(-[0-9X]{2})?)?[~?%]?)?", value
    ):
        raise click.BadParameter(
            f"{field}: an ISO 8601 / EDTF date such as 1939-09-14, 1933-03, 1917, 1917-03/1917-04"
        )
    return value


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
@click.option(
    "--jobs", "-j", type=int, default=1, show_default=True, help="Worker processes (0: one per core)."
)
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="With --engine dask: address of an existing scheduler.")
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
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        with Archive(db) as archive:
            reports = run_stages(archive, list(stage_names) or list(STAGES), jobs=jobs, engine=engine,
                                 scheduler=scheduler, force=force, progress=not quiet and fmt == "text")  # fmt: skip
    except KeyboardInterrupt:
        err_console.print("interrupted: every finished batch is kept; run the same command again to finish")
        sys.exit(EXIT_INTERRUPTED)
    finally:
        signal.signal(signal.SIGTERM, previous)
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


# -- entities and dates (issue 16) ----------------------------------------------------------------------------
ENTITY_TYPES = click.Choice(["person", "organisation", "place", "periodical", "event"])


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option(
    "--jobs", "-j", type=int, default=1, show_default=True, help="Worker processes (0: one per core)."
)
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="With --engine dask: address of an existing scheduler.")
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
    `entity_mentions`, read by `entities`, `entity` and `timeline`."""
    from archivist.enrich import run_stages
    from archivist.store.entities import Entities

    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        with Archive(db) as archive:
            reports = run_stages(archive, ["mentions", "dates"], jobs=jobs, engine=engine, scheduler=scheduler,
                                 force=force, progress=not quiet and fmt == "text")  # fmt: skip
            resolved = Entities(archive).rebuild()
    except KeyboardInterrupt:
        err_console.print("interrupted: every finished batch is kept; run the same command again to finish")
        sys.exit(EXIT_INTERRUPTED)
    finally:
        signal.signal(signal.SIGTERM, previous)
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
        store = _entities(archive)
        ids = store.find(name)
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
        out_console.print(f"  {e['documents']} documents, {e['mentions']} mentions; origin {e['origin']}")
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
            ids = store.find(entity_name)
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


@eval_group.command("entities")
@click.option(
    "--gold", default="../shared/gold/entities-dev.jsonl", show_default=True, type=click.Path(exists=True)
)
@click.option(
    "--corpus",
    default=None,
    type=click.Path(exists=True),
    help="Corpus folder (default: ../corpus beside the gold).",
)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("--mismatches", is_flag=True, help="List every missed and extra person (text format).")
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
@click.option(
    "--gold", default="../shared/gold/dates-dev.jsonl", show_default=True, type=click.Path(exists=True)
)
@click.option(
    "--corpus",
    default=None,
    type=click.Path(exists=True),
    help="Corpus folder (default: ../corpus beside the gold).",
)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("--mismatches", is_flag=True, help="List every wrong, missed and extra date (text format).")
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
