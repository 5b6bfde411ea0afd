"""The extraction modules compiled ahead of time with mypyc, used only when they match the sources.

`tools/build_native.py` (run by `make install`, or `make native`) compiles the modules of `COMPILED`
from a snapshot of the package into `_compiled/` beside this file: one shared library of the whole group
and a small extension module per module, never beside the `.py` files (Python would import a `.so`
there in preference to its `.py`). `BUILD.json` there records the SHA-256 of every source file the
build read: the compiled modules and every archivist module they import.

`install()`, called by `archivist/__init__.py` before any other archivist module is imported, puts a
finder first on `sys.meta_path` that serves the compiled modules from `_compiled/`, but only when every
recorded file still has the recorded hash and the build is for this interpreter. Otherwise the whole
group is left out (its modules call each other directly in C, so one module cannot fall back alone) and
Python imports the `.py` files as usual, with a warning that names the changed files: an edit of an
extraction module always takes effect, compiled or not. `ARCHIVIST_PURE=1` in the environment skips the
compiled modules without a warning. `STATE` says which case holds.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

PACKAGE = Path(__file__).resolve().parent
BUILD_DIR = PACKAGE / "_compiled"
MANIFEST = BUILD_DIR / "BUILD.json"
GROUP = "archivist_native"  # the shared library is the top-level module `archivist_native__mypyc`
LIBRARY = f"{GROUP}__mypyc"

# The hot path of `pipeline.extract_data`, compiled. Left out: `pipeline` itself (its callers replace its
# functions in tests, and a compiled module calls its own functions directly); `model`, whose classes
# cross processes pickled (a compiled class pickles its state otherwise than the Python one, and a Dask
# worker may run either); the packages' `__init__` modules (packages stay ordinary, so their resources
# and pure submodules are found as usual).
COMPILED = (
    "archivist.text",
    "archivist.sources.address",
    "archivist.sources.decode",
    "archivist.sources.encodings",
    "archivist.sources.gutenberg",
    "archivist.sources.html",
    "archivist.sources.markdown",
    "archivist.sources.page",
    "archivist.sources.tei",
    "archivist.sources.text",
    "archivist.extract.anatomy",
    "archivist.extract.assemble",
    "archivist.extract.blockmodel",
    "archivist.extract.closing",
    "archivist.extract.dateline",
    "archivist.extract.dates",
    "archivist.extract.doctype",
    "archivist.extract.header",
    "archivist.extract.info",
    "archivist.extract.item",
    "archivist.extract.labels",
    "archivist.extract.language",
    "archivist.extract.layout",
    "archivist.extract.layout_trees",
    "archivist.extract.names",
    "archivist.extract.notes",
    "archivist.extract.people",
    "archivist.extract.place",
    "archivist.extract.segment",
    "archivist.extract.source",
    "archivist.extract.source_line",
    "archivist.extract.stated",
    "archivist.extract.typemodel",
    "archivist.extract.when",
)

# "compiled", or why not: "pure: ARCHIVIST_PURE", "pure: not built", "pure: stale build", "pure: …".
STATE = "pure: not built"


def source_path(module: str, package: Path = PACKAGE) -> Path:
    """The `.py` file of an archivist module (`archivist.extract.item` -> `<package>/extract/item.py`)."""
    return package.joinpath(*module.split(".")[1:]).with_suffix(".py")


def digest(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def abi() -> str:
    """The interpreter a build is for: its extension suffix names the version and the platform."""
    return importlib.machinery.EXTENSION_SUFFIXES[0]


def stale_sources(manifest: dict[str, object], package: Path = PACKAGE) -> list[str]:
    """The recorded source files (paths relative to the package) whose bytes are not the ones built,
    missing files included; empty when the build matches the sources."""
    recorded = manifest.get("sources")
    if not isinstance(recorded, dict) or not recorded:
        return ["BUILD.json (no sources recorded)"]
    changed = []
    for name, sha in sorted(recorded.items()):
        file = package / name
        if not file.is_file() or digest(file) != sha:
            changed.append(name)
    return changed


class CompiledFinder(importlib.abc.MetaPathFinder):
    """Serves the compiled modules (and their shared library) from the build directory."""

    def __init__(self, build: Path, modules: Sequence[str]) -> None:
        suffix = abi()
        self.files = {
            m: build.joinpath(*m.split(".")).with_name(m.rsplit(".", 1)[-1] + suffix) for m in modules
        }
        self.files[LIBRARY] = build / (LIBRARY + suffix)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        file = self.files.get(fullname)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(file))
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


def _warn(reason: str) -> None:
    warnings.warn(
        f"archivist: {reason}; running the pure-Python modules. `make native` rebuilds the compiled ones "
        "(ARCHIVIST_PURE=1 silences this).",
        RuntimeWarning,
        stacklevel=3,
    )


def install(build: Path = BUILD_DIR, package: Path = PACKAGE) -> str:
    """Serve the compiled modules when their build matches the sources (see the module's docstring);
    returns and records the state."""
    global STATE
    STATE = _decide(build, package)
    return STATE


def _decide(build: Path, package: Path) -> str:
    if os.environ.get("ARCHIVIST_PURE", "") not in ("", "0"):
        return "pure: ARCHIVIST_PURE"
    manifest_file = build / "BUILD.json"
    if not manifest_file.is_file():
        return "pure: not built"
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        _warn(f"the compiled modules' {manifest_file} is unreadable ({error})")
        return "pure: unreadable build"
    if manifest.get("abi") != abi():
        _warn(f"the compiled modules in {build} were built for {manifest.get('abi')}, not {abi()}")
        return "pure: other interpreter"
    if list(manifest.get("modules", ())) != list(COMPILED):
        _warn(f"the compiled modules in {build} are not the list archivist/_native.py names")
        return "pure: stale build"
    changed = stale_sources(manifest, package)
    if changed:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        _warn(f"the compiled modules in {build} were built from other sources (changed since: {shown})")
        return "pure: stale build"
    if any(m in sys.modules for m in COMPILED):  # too late: some are already imported as Python
        return "pure: imported before install"
    finder = CompiledFinder(build, COMPILED)
    if not all(file.is_file() for file in finder.files.values()):
        _warn(f"the compiled modules in {build} are incomplete")
        return "pure: incomplete build"
    sys.meta_path.insert(0, finder)
    try:
        importlib.import_module(LIBRARY)  # the shared library loads (its symbols resolve) or none is used
    except ImportError as error:
        sys.meta_path.remove(finder)
        _warn(f"the compiled modules in {build} do not load ({error})")
        return "pure: does not load"
    return "compiled"
