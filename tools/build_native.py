"""Compile archivist's extraction modules with mypyc into src/archivist/_compiled (see archivist/_native.py).

    .venv/bin/python tools/build_native.py --if-stale # what `make install` (and so `make test`) runs
    .venv/bin/python tools/build_native.py            # rebuild (`make native`)
    .venv/bin/python tools/build_native.py --strict   # fail (exit 1) when the build fails
    .venv/bin/python tools/build_native.py --remove   # back to pure Python

The modules of `archivist._native.COMPILED` are compiled from a snapshot of the package taken at the
start, and `BUILD.json` records the SHA-256 of each snapshot file the build read (the compiled modules
and every archivist module they import, transitively): an edit made while the build runs makes the new
build stale at once, never silently compiled. mypyc is the one of the `dev` extra (pinned in
pyproject.toml). When the build fails (no compiler, no mypyc), the previous build is removed and
archivist runs as pure Python; the script says so and exits 0 unless `--strict`. With `--if-stale` it
builds only when the build in place does not match the sources (archivist's own check), and not at all
when ARCHIVIST_PURE is set.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "archivist"


def load_native() -> ModuleType:
    """archivist/_native.py alone, without importing the package (which would install its finder)."""
    spec = importlib.util.spec_from_file_location("_archivist_native_build", PACKAGE / "_native.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def imported_modules(file: Path, package: Path) -> set[str]:
    """The archivist modules a file imports (a `from archivist.x import y` names module y when
    there is one, else x), with the packages above each."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        for name in names:
            if name.split(".")[0] != "archivist":
                continue
            parts = name.split(".")
            for depth in range(1, len(parts) + 1):
                module = ".".join(parts[:depth])
                if module_file(module, package):
                    found.add(module)
    return found


def module_file(module: str, package: Path) -> Path | None:
    base = package.joinpath(*module.split(".")[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def closure(modules: tuple[str, ...], package: Path) -> list[Path]:
    """The source files of the modules and of every archivist module they import, transitively."""
    todo = [*modules, "archivist"]
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        file = module_file(module, package)
        if file is None:
            raise SystemExit(f"no source for {module}")
        todo.extend(imported_modules(file, package) - seen)
    files = [module_file(m, package) for m in seen]
    return sorted(f for f in files if f is not None)


def build(native: ModuleType, work: Path, jobs: int) -> tuple[Path, dict[str, object]]:
    """Compile the snapshot's modules; returns the folder holding the built files and the manifest."""
    snapshot = work / "src"
    shutil.copytree(
        PACKAGE, snapshot / "archivist", ignore=shutil.ignore_patterns("_compiled*", "__pycache__", "*.so")
    )
    shutil.copy(ROOT / "pyproject.toml", snapshot / "pyproject.toml")  # mypy's configuration
    package = snapshot / "archivist"
    sources = {
        file.relative_to(package).as_posix(): native.digest(file)
        for file in closure(native.COMPILED, package)
    }
    paths = [native.source_path(m, package).relative_to(snapshot).as_posix() for m in native.COMPILED]

    import mypy.version
    import setuptools  # noqa: F401  (before mypyc.build: it picks setuptools over distutils)
    from mypyc.build import mypycify
    from setuptools import Distribution

    os.chdir(snapshot)  # mypyc names the modules by their paths from here
    extensions = mypycify(
        ["--config-file", "pyproject.toml", *paths],
        opt_level="3",
        debug_level="0",
        multi_file=True,  # one C file per module: compiled in parallel
        group_name=native.GROUP,
        target_dir=str(work / "c"),
    )
    out = work / "out"
    distribution = Distribution({"name": native.GROUP, "ext_modules": extensions})
    command = distribution.get_command_obj("build_ext")
    command.build_lib = str(out)  # type: ignore[attr-defined]
    command.build_temp = str(work / "tmp")  # type: ignore[attr-defined]
    command.parallel = jobs  # type: ignore[attr-defined]
    distribution.run_command("build_ext")
    manifest: dict[str, object] = {
        "modules": list(native.COMPILED),
        "abi": native.abi(),
        "mypy": mypy.version.__version__,
        "python": sys.version.split()[0],
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "sources": sources,
    }
    expected = native.CompiledFinder(out, native.COMPILED).files.values()
    missing = [str(f.relative_to(out)) for f in expected if not f.is_file()]
    if missing:
        raise RuntimeError(f"the build left out {', '.join(missing)}")
    return out, manifest


def install(out: Path, manifest: dict[str, object]) -> None:
    """Swap the new build in: staged beside the old one, then renamed over it."""
    target = PACKAGE / "_compiled"
    staged = PACKAGE / "_compiled.new"
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(out, staged)
    (staged / "BUILD.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    old = PACKAGE / "_compiled.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staged.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def current(native: ModuleType, target: Path) -> bool:
    """Whether the build in place is the one archivist would use (archivist/_native.py's checks)."""
    try:
        manifest = json.loads((target / "BUILD.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        manifest.get("abi") == native.abi()
        and manifest.get("modules") == list(native.COMPILED)
        and not native.stale_sources(manifest, PACKAGE)
        and all(f.is_file() for f in native.CompiledFinder(target, native.COMPILED).files.values())
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when the build fails")
    parser.add_argument("--if-stale", action="store_true", help="build only when missing or stale")
    parser.add_argument("--remove", action="store_true", help="remove the compiled modules (pure Python)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="C compilers in parallel")
    args = parser.parse_args(argv)
    target = PACKAGE / "_compiled"
    if args.remove:
        shutil.rmtree(target, ignore_errors=True)
        print(f"removed {target}: archivist runs as pure Python")
        return 0
    native = load_native()
    if args.if_stale:
        if os.environ.get("ARCHIVIST_PURE", "") not in ("", "0"):
            print("ARCHIVIST_PURE is set: the extraction modules are not compiled")
            return 0
        if current(native, target):
            print(f"the compiled modules in {target} match the sources")
            return 0
    started = time.perf_counter()
    here = Path.cwd()
    try:
        with tempfile.TemporaryDirectory(prefix="archivist-native-") as tmp:
            out, manifest = build(native, Path(tmp), args.jobs)
            install(out, manifest)
    except (Exception, SystemExit) as error:
        shutil.rmtree(target, ignore_errors=True)
        traceback.print_exc()
        print(
            f"\n*** the compiled modules could not be built ({type(error).__name__}: {error});\n"
            "*** archivist runs as pure Python (slower, same output).\n",
            file=sys.stderr,
        )
        return 1 if args.strict else 0
    finally:
        os.chdir(here)
    count = len(native.COMPILED)
    print(f"compiled {count} modules into {target} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
