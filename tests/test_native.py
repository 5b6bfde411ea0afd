"""The compiled extraction modules (archivist/_native.py): used only when built from the sources in
place, so that an edited module is always the one that runs. Each case imports archivist from a copy
of the package in a fresh process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archivist import _native

SRC = Path(_native.__file__).resolve().parents[1]

PROBE = """
import json, sys, warnings
warnings.simplefilter("always")
import archivist, archivist._native as native
import archivist.extract.blockmodel as blockmodel
from archivist.pipeline import extract_data
files = {m: sys.modules[m].__file__ for m in native.COMPILED if m in sys.modules}
html = b"<html><head><title>A Letter</title></head><body><h1>A Letter</h1><p>Dear friend, the text.</p></body></html>"
document = extract_data(html, "letter.html").document
print(json.dumps({"state": native.STATE, "files": files, "edited": getattr(blockmodel, "EDITED", None),
                  "title": document.title if document else None}))
"""


def copy_package(tmp_path: Path, *, compiled: bool) -> Path:
    """The package's sources (and its build when `compiled`) copied under tmp_path/src."""
    target = tmp_path / "src" / "archivist"
    ignored = ["__pycache__", "_compiled.new", "_compiled.old"] + ([] if compiled else ["_compiled"])
    shutil.copytree(SRC / "archivist", target, ignore=shutil.ignore_patterns(*ignored))
    return target


def probe(src: Path, **env: str) -> tuple[dict[str, object], str]:
    environment = {k: v for k, v in os.environ.items() if k != "ARCHIVIST_PURE"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**environment, "PYTHONPATH": str(src), **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=src,
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def record_build(package: Path) -> None:
    """A BUILD.json recording the package's sources as they are (no compiled file beside it)."""
    build = package / "_compiled"
    build.mkdir(exist_ok=True)
    sources = {
        f.relative_to(package).as_posix(): _native.digest(f)
        for f in sorted(package.rglob("*.py"))
        if "_compiled" not in f.parts
    }
    manifest = {"modules": list(_native.COMPILED), "abi": _native.abi(), "sources": sources}
    (build / "BUILD.json").write_text(json.dumps(manifest), encoding="utf-8")


def edit(package: Path) -> None:
    module = package / "extract" / "blockmodel.py"
    module.write_text(module.read_text(encoding="utf-8") + "\nEDITED = True\n", encoding="utf-8")


def test_an_edit_after_the_build_runs_as_python_with_a_warning(tmp_path: Path) -> None:
    package = copy_package(tmp_path, compiled=False)
    record_build(package)
    edit(package)
    result, stderr = probe(package.parent)
    assert result["state"] == "pure: stale build"
    assert result["edited"] is True  # the edit is what runs
    assert all(str(file).endswith(".py") for file in result["files"].values())  # type: ignore[union-attr]
    assert "built from other sources (changed since: extract/blockmodel.py)" in stderr
    assert result["title"] == "A Letter"


def test_without_a_build_or_with_archivist_pure_it_is_python_without_a_warning(tmp_path: Path) -> None:
    package = copy_package(tmp_path, compiled=False)
    result, stderr = probe(package.parent)
    assert result["state"] == "pure: not built"
    assert "RuntimeWarning" not in stderr
    record_build(package)
    edit(package)
    result, stderr = probe(package.parent, ARCHIVIST_PURE="1")
    assert result["state"] == "pure: ARCHIVIST_PURE"
    assert result["edited"] is True
    assert "RuntimeWarning" not in stderr


def test_a_build_for_another_module_list_is_not_used(tmp_path: Path) -> None:
    package = copy_package(tmp_path, compiled=False)
    record_build(package)
    manifest_file = package / "_compiled" / "BUILD.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest["modules"] = manifest["modules"][:-1]
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    result, stderr = probe(package.parent)
    assert result["state"] == "pure: stale build"
    assert "not the list archivist/_native.py names" in stderr


needs_build = pytest.mark.skipif(
    not (SRC / "archivist" / "_compiled" / "BUILD.json").is_file(),
    reason="no compiled build in this tree (`make native`)",
)


@needs_build
def test_the_compiled_build_is_used_until_a_source_changes(tmp_path: Path) -> None:
    package = copy_package(tmp_path, compiled=True)
    result, stderr = probe(package.parent)
    assert result["state"] == "compiled", stderr
    files = result["files"]
    assert isinstance(files, dict) and set(files) == set(_native.COMPILED)  # every one, from the build
    assert all(str(package / "_compiled") in file for file in files.values())
    assert result["title"] == "A Letter"

    edit(package)  # a developer edits one extraction module and runs the tests
    result, stderr = probe(package.parent)
    assert result["state"] == "pure: stale build"
    assert result["edited"] is True
    files = result["files"]
    assert isinstance(files, dict) and all(file.endswith(".py") for file in files.values())
    assert "extract/blockmodel.py" in stderr


@needs_build
def test_an_edit_to_a_module_the_compiled_ones_import_makes_the_build_stale(tmp_path: Path) -> None:
    package = copy_package(tmp_path, compiled=True)
    errors = package / "errors.py"  # not compiled, but read by the build
    errors.write_text(errors.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result, stderr = probe(package.parent)
    assert result["state"] == "pure: stale build"
    assert "errors.py" in stderr


PICKLE = """
import pickle, sys
import archivist._native as native
from archivist.pipeline import extract_data
html = b"<html><head><title>A Letter</title></head><body><h1>A Letter</h1><p>Dear friend, the text.</p></body></html>"
result = extract_data(html, "letter.html")
if sys.argv[1] == "dump":
    open(sys.argv[2], "wb").write(pickle.dumps(result))
else:
    assert pickle.loads(open(sys.argv[2], "rb").read()) == result
print(native.STATE)
"""


@needs_build
def test_results_cross_between_compiled_and_pure_processes(tmp_path: Path) -> None:
    """A Dask worker may run either (a build gone stale between two workers' starts, ARCHIVIST_PURE):
    what one pickles the other unpickles to the same result."""
    environment = {k: v for k, v in os.environ.items() if k != "ARCHIVIST_PURE"}
    for writer, reader in (({}, {"ARCHIVIST_PURE": "1"}), ({"ARCHIVIST_PURE": "1"}, {})):
        states = []
        for step, env in (("dump", writer), ("load", reader)):
            done = subprocess.run(
                [sys.executable, "-c", PICKLE, step, str(tmp_path / "result.pickle")],
                env={**environment, **env},
                capture_output=True,
                text=True,
                check=True,
            )
            states.append(done.stdout.strip())
        assert sorted(states) == ["compiled", "pure: ARCHIVIST_PURE"]


def test_hand_written_inits_take_the_dataclass_fields() -> None:
    """`Block`, `Item` and `Segment` write their own __init__ (the one @dataclass writes is not
    compiled): it takes every field, in order, with the field's default, and sets it. Read from the
    source, as a compiled __init__ shows no signature."""
    import ast
    import dataclasses
    import inspect

    from archivist.extract.item import Item
    from archivist.extract.segment import Segment
    from archivist.sources.page import Block

    for cls in (Block, Item, Segment):
        module = inspect.getmodule(cls)
        assert module is not None
        path = _native.PACKAGE / (module.__name__.removeprefix("archivist.").replace(".", "/") + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        node = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == cls.__name__)
        init = next(n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
        names = [a.arg for a in init.args.args[1:]]
        defaults = [ast.literal_eval(d) for d in init.args.defaults]
        fields = dataclasses.fields(cls)
        assert names == [f.name for f in fields], cls
        assert defaults == [f.default for f in fields if f.default is not dataclasses.MISSING], cls
        assert len(defaults) == sum(f.default is not dataclasses.MISSING for f in fields), cls
    block = Block("x", "h2", ("c",), True, True, True, True, "info", "salutation")
    assert dataclasses.astuple(block) == ("x", "h2", ("c",), True, True, True, True, "info", "salutation")
    assert dataclasses.astuple(Segment("body", "t", 3, "a", "d", "p", "t")) == (
        "body",
        "t",
        3,
        "a",
        "d",
        "p",
        "t",
    )
    assert Item("t", block, "title").role == "title" and Item("t", block).role == "body"
