"""The hostile-input campaign, as a benchmark: each case is a small folder of malformed input made
here, ingested by `archivist ingest` in a process of its own, with a time limit.

For each case it reports whether the run aborted (a traceback, or killed at the time limit), how
many documents were stored, whether anything from outside the inputs was stored (a leak), whether
stored text is garbled (mojibake, or a byte order read backwards), the seconds the run took and the
peak memory of its process. Run it on two checkouts to compare them:

    python bench/hostile.py --out bench/results/hostile-after.json
    python bench/hostile.py --src /path/to/old/checkout/src --out bench/results/hostile-before.json

`--src` puts another checkout's `src` first on PYTHONPATH (its dependencies must be installed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SECRET = "SECRET-OUTSIDE-THE-INPUTS"
BODY = "A page of text about the labour movement, long enough to count as a document. " * 12
LIMIT_SECONDS = 120.0
# Runs the CLI and, at exit, writes the peak memory of the process (and its finished children).
_WRAP = (
    "import atexit, resource, sys\n"
    "out = sys.argv.pop(1)\n"
    "peak = lambda: max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
    "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "atexit.register(lambda: open(out, 'w').write(str(peak())))\n"
    "from archivist.cli import main\n"
    "main()\n"
)


def _page(title: str) -> str:
    return f"{title}\n\n{BODY}\n\n{BODY}\n"


def non_utf8_name(root: Path, outside: Path) -> None:
    (root / "ok.txt").write_text(_page("A good page"))
    with open(os.fsencode(root) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(_page("A page with a Latin-1 name").encode())


def symlink_out(root: Path, outside: Path) -> None:
    (root / "ok.txt").write_text(_page("A good page"))
    secret = outside / "passwd.txt"
    secret.write_text(_page(SECRET))
    (root / "passwd.txt").symlink_to(secret)


def huge_file(root: Path, outside: Path) -> None:
    (root / "ok.txt").write_text(_page("A good page"))
    with open(root / "huge.txt", "wb") as handle:
        handle.truncate(1024**3)


def blank_markdown(root: Path, outside: Path) -> None:
    (root / "ok.txt").write_text(_page("A good page"))
    (root / "blank.md").write_text("# Title\n" + "\n" * 100_000 + "Some text at the end of a long page.\n")


def nested_divs(root: Path, outside: Path) -> None:
    (root / "ok.txt").write_text(_page("A good page"))
    depth = 200_000
    (root / "deep.html").write_text(
        "<html><body>" + "<div>" * depth + "<p>" + BODY + "</p>" + "</div>" * depth
    )


def utf16be_no_bom(root: Path, outside: Path) -> None:
    (root / "be.txt").write_bytes(_page("Écrits de Trotsky").encode("utf-16-be"))


def bom_contradicts(root: Path, outside: Path) -> None:
    (root / "bom.txt").write_bytes(b"\xff\xfe" + _page("Écrits de Trotsky").encode("utf-8"))


def one_bad_byte(root: Path, outside: Path) -> None:
    (root / "bad.html").write_bytes(
        f'<html><head><meta charset="utf-8"></head><body><h1>Écrits</h1><p>{BODY}</p><p>caf\xe9 '.encode()
        + b"\xff"
        + b" fin.</p></body></html>"
    )


def rot13_label(root: Path, outside: Path) -> None:
    (root / "rot.html").write_bytes(
        f'<html><head><meta charset="rot13"></head><body><h1>Écrits</h1><p>{BODY}</p></body></html>'.encode()
    )


def fifo_and_hidden(root: Path, outside: Path) -> None:
    (root / "ok.txt").write_text(_page("A good page"))
    os.mkfifo(root / "pipe.txt")
    (root / ".hidden.txt").write_text(_page("hidden"))


CASES: dict[str, Callable[[Path, Path], None]] = {
    "non-utf8-file-name": non_utf8_name,
    "symlink-outside": symlink_out,
    "1-GB-file": huge_file,
    "markdown-100k-blank-lines": blank_markdown,
    "200k-nested-divs": nested_divs,
    "utf16be-without-bom": utf16be_no_bom,
    "bom-contradicts-content": bom_contradicts,
    "one-invalid-utf8-byte": one_bad_byte,
    "rot13-charset-label": rot13_label,
    "fifo-and-hidden-file": fifo_and_hidden,
}


def _garbled(text: str) -> bool:
    return (
        any(sign in text for sign in ("Ã", "â€", "\x00")) or sum(0x3000 <= ord(c) < 0xA000 for c in text) > 20
    )


def run_case(name: str, make: Callable[[Path, Path], None], src: str | None, work: Path) -> dict[str, object]:
    case = work / name
    root, outside = case / "pages", case / "outside"
    root.mkdir(parents=True)
    outside.mkdir()
    make(root, outside)
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    peak_file = case / "peak"
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _WRAP, str(peak_file), "ingest", str(root), "--db", str(case / "archive.db"), "-q"],
            capture_output=True, text=True, timeout=LIMIT_SECONDS, env=env,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        code: int | None = proc.returncode
        aborted = "Traceback" in proc.stderr or code not in (0, 2, 3)
        error = (proc.stderr.strip().splitlines() or [""])[-1][:160]
    except subprocess.TimeoutExpired:
        seconds, code, aborted, error = LIMIT_SECONDS, None, True, f"killed after {LIMIT_SECONDS:.0f} s"
    peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else None
    documents, leaked, garbled = 0, False, False
    if (case / "archive.db").exists():
        with sqlite3.connect(case / "archive.db") as conn:
            try:
                texts = [
                    r[0]
                    for r in conn.execute(
                        "SELECT COALESCE(title, '') || ' ' || text FROM documents WHERE is_current=1"
                    )
                ]
            except sqlite3.Error:
                texts = []
        documents = len(texts)
        leaked = any(SECRET in t for t in texts)
        garbled = any(_garbled(t) for t in texts)
    shutil.rmtree(case, ignore_errors=True)
    return {"case": name, "exit": code, "aborted": aborted, "documents": documents, "leaked": leaked,
            "garbled": garbled, "seconds": round(seconds, 2), "peak_rss_mib": round(peak, 1) if peak else None,
            "last_error_line": error}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--src", default=None, help="Another checkout's src folder to run instead of this one."
    )
    parser.add_argument("--out", default=None, help="Write the results as JSON here.")
    parser.add_argument("--case", action="append", help="Run only these cases (default: all).")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        for name, make in CASES.items():
            if args.case and name not in args.case:
                continue
            result = run_case(name, make, args.src, Path(tmp))
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    if args.out:
        Path(args.out).write_text(
            json.dumps({"src": args.src or "this checkout", "results": results}, indent=2) + "\n"
        )


if __name__ == "__main__":
    main()
