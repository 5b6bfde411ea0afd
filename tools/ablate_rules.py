"""Which pages does each rule change? Switch off one regular expression or one word list of the
extractor at a time, extract the corpora again, and count the records that differ.

`tools/ablate.py` switches off whole mechanisms; this tool goes down to single rules, found in the
source of `archivist/extract/` (and `archivist/sources/` with `--sources`):

- pattern: every `re.compile(...)` call, switched off by compiling `(?!)` (a pattern that never matches);
- inline: every `re.search/match/fullmatch/sub/subn/split/findall/finditer` call given its pattern
  as a literal, switched off the same way;
- words: every literal set, list or tuple of three or more strings, and every literal dict from strings to
  plain values, switched off by leaving one entry that no text contains. A dict whose values are such
  lists (like the label spellings) is one rule per key: one entry group.

A rule is switched off by rewriting the module's source as it is imported, in worker processes that
import it again for each rule. A first, recording run notes on which files each regular expression
matched anything; a pattern that matched nothing on a file cannot change that file, so only the files it
matched on are extracted again (word lists, which C code may read without Python seeing it, are checked on
every file, and so is every rule on a file the recording changed). A rule changing no page is dead; one changing one or two pages was written for them.

    python tools/ablate_rules.py                      # ../shared/corpus and ../shared/seeds
    python tools/ablate_rules.py --wide               # and ../shared/corpus-wide
    python tools/ablate_rules.py --rule extract/labels.py:16 --json out.json -j 2
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "archivist"
REGEX_FUNCTIONS = {"search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
NEVER = "(?!)"  # a regular expression that matches nowhere
ABSENT = "\x00switched off\x00"  # a word no page contains
ALL = "*"  # a rule read outside any file (while importing): every file must be checked


@dataclass(frozen=True)
class Rule:
    id: str  # <folder>/<file>:<line>:<column>
    kind: str  # pattern | inline | words
    module: str
    line: int
    column: int
    key: str | None  # the entry group of a dict of word lists
    label: str  # what the source calls it, for the report


# -- finding the rules -------------------------------------------------------------------------------
def _is_re_call(node: ast.AST, names: Iterable[str]) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "re"
        and node.func.attr in names
        and bool(node.args)
    )


def _literal_pattern(node: ast.expr) -> bool:
    """A pattern written in place (a string, an f-string, or a sum of them), not a name for one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_pattern(node.left) or _literal_pattern(node.right)
    return False


def _strings(node: ast.AST, at_least: int = 3) -> bool:
    return (
        isinstance(node, (ast.Set, ast.List, ast.Tuple))
        and len(node.elts) >= at_least
        and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
    )


def _word_dict(node: ast.AST) -> bool:
    """A literal mapping from words to plain values ("spring" -> 21)."""
    return (
        isinstance(node, ast.Dict)
        and len(node.keys) >= 3
        and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys)
        and all(isinstance(v, ast.Constant) for v in node.values)
    )


def _group_dict(node: ast.AST) -> bool:
    """A literal mapping from keys to word lists (label -> its spellings): one rule per key."""
    return (
        isinstance(node, ast.Dict)
        and len(node.keys) >= 2
        and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys)
        and all(_strings(v, 1) for v in node.values)
    )


def _names(tree: ast.Module) -> dict[int, str]:
    """id(node) -> the name it is assigned to, for nodes inside a top-level assignment."""
    named: dict[int, str] = {}
    for statement in tree.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets = [statement.target]
        name = next((t.id for t in targets if isinstance(t, ast.Name)), None)
        if name:
            for node in ast.walk(statement):
                named.setdefault(id(node), name)
    return named


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rules_of(path: Path) -> list[Rule]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    named = _names(tree)
    module = _module_name(path)
    where = path.relative_to(PACKAGE).as_posix()
    found: list[Rule] = []
    inside_groups: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.expr):
            continue
        name = named.get(id(node), "")
        line, column = node.lineno, node.col_offset
        rid = f"{where}:{line}:{column}"
        if _is_re_call(node, {"compile"}):
            assert isinstance(node, ast.Call)
            found.append(Rule(rid, "pattern", module, line, column, None, name or _snippet(node.args[0])))
        elif _is_re_call(node, REGEX_FUNCTIONS) and _literal_pattern(node.args[0]):  # type: ignore[attr-defined]
            assert isinstance(node, ast.Call)
            label = f"re.{node.func.attr} {_snippet(node.args[0])}"  # type: ignore[attr-defined]
            found.append(Rule(rid, "inline", module, line, column, None, label))
        elif _group_dict(node):
            assert isinstance(node, ast.Dict)
            for key, value in zip(node.keys, node.values, strict=True):
                inside_groups.add(id(value))
                assert isinstance(key, ast.Constant)
                found.append(Rule(rid, "words", module, line, column, key.value, f"{name}[{key.value!r}]"))
        elif (_strings(node) or _word_dict(node)) and id(node) not in inside_groups and name != "__all__":
            found.append(Rule(rid, "words", module, line, column, None, name or _snippet(node)))
    return sorted(found, key=lambda r: (r.id, r.key or ""))


def _snippet(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


def all_rules(with_sources: bool) -> list[Rule]:
    folders = ["extract"] + (["sources"] if with_sources else [])
    return [
        rule
        for folder in folders
        for path in sorted((PACKAGE / folder).rglob("*.py"))
        for rule in rules_of(path)
    ]


# -- rewriting a module as it is imported ------------------------------------------------------------
def _is_rule_node(node: ast.AST, kind: str) -> bool:
    if kind == "pattern":
        return _is_re_call(node, {"compile"})
    if kind == "inline":
        return _is_re_call(node, REGEX_FUNCTIONS)
    return _strings(node) or _word_dict(node) or _group_dict(node)


class _Rewrite(ast.NodeTransformer):
    """Switch one rule off (`off`), or wrap every rule in a recorder (`record`)."""

    def __init__(self, rules: list[Rule], off: Rule | None) -> None:
        self.at = {(r.line, r.column): r for r in rules}
        self.groups = {(r.line, r.column, r.key): r for r in rules if r.key is not None}
        self.off = off

    def visit(self, node: ast.AST) -> Any:
        rule = self.at.get((getattr(node, "lineno", -1), getattr(node, "col_offset", -1)))
        if rule is None or not _is_rule_node(node, rule.kind):
            return super().visit(node)  # another node starting there: `re.sub(…).strip()`, `re.sub`
        if self.off is not None:
            if (rule.line, rule.column) != (self.off.line, self.off.column):
                return super().visit(node)
            return self._switch_off(node, self.off)
        node = super().generic_visit(node)
        if rule.kind == "pattern":
            return _call("_ablate_pattern", rule.id, node)
        if rule.kind == "inline":
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            node.func = _call("_ablate_re", rule.id, ast.Constant(node.func.attr))
            return node
        return node  # word lists are checked on every file: nothing to record

    def _switch_off(self, node: ast.expr, rule: Rule) -> ast.expr:
        if rule.kind in ("pattern", "inline"):
            assert isinstance(node, ast.Call)
            node.args[0] = ast.Constant(NEVER)
        elif rule.key is not None:
            assert isinstance(node, ast.Dict)
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == rule.key:
                    assert isinstance(value, (ast.Set, ast.List, ast.Tuple))
                    value.elts = [ast.Constant(ABSENT)]
        elif isinstance(node, ast.Dict):
            node.keys, node.values = [ast.Constant(ABSENT)], node.values[:1]
        else:
            assert isinstance(node, (ast.Set, ast.List, ast.Tuple))
            node.elts = [ast.Constant(ABSENT)]
        return node


def _call(function: str, rule_id: str, argument: ast.expr) -> ast.Call:
    return ast.Call(
        func=ast.Name(function, ast.Load()),  # found among the builtins, where the workers put it
        args=[ast.Constant(rule_id), argument],
        keywords=[],
    )


class _Loader(importlib.machinery.SourceFileLoader):
    """Compiles the rewritten source; never reads or writes cached bytecode."""

    def __init__(self, fullname: str, path: str, rewrite: _Rewrite) -> None:
        super().__init__(fullname, path)
        self.rewrite = rewrite

    def get_code(self, fullname: str) -> Any:
        path = self.get_filename(fullname)
        tree = ast.parse(self.get_data(path), path)
        tree = ast.fix_missing_locations(self.rewrite.visit(tree))
        return compile(tree, path, "exec", dont_inherit=True)


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self) -> None:
        self.rewrites: dict[str, _Rewrite] = {}

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        rewrite = self.rewrites.get(fullname)
        if rewrite is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None:
            return None
        loader = _Loader(fullname, spec.origin, rewrite)
        return importlib.util.spec_from_file_location(
            fullname, spec.origin, loader=loader, submodule_search_locations=spec.submodule_search_locations
        )


# -- recording which files a pattern matched on ------------------------------------------------------
_CURRENT: list[str | None] = [None]  # the file being extracted
_HITS: dict[str, set[str]] = {}


def _hit(rule_id: str) -> None:
    _HITS.setdefault(rule_id, set()).add(_CURRENT[0] or ALL)


def _matched(function: str, result: Any) -> tuple[bool, Any]:
    if function == "finditer":
        result = list(result)
        return bool(result), iter(result)
    if function == "subn":
        return result[1] > 0, result
    if function == "split":
        return len(result) > 1, result
    if function in ("search", "match", "fullmatch"):
        return result is not None, result
    return bool(result), result  # findall


class _RecordedPattern:
    """A compiled pattern that notes the files it matches on; anything else reaching into it (its text
    composed into another pattern while importing) marks it as read everywhere."""

    def __init__(self, rule_id: str, pattern: Any) -> None:
        self._rule, self._pattern = rule_id, pattern

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._pattern, name)
        if name not in REGEX_FUNCTIONS:
            _hit(self._rule)
            return attribute

        def recorded(*args: Any, **kwargs: Any) -> Any:
            if name == "sub":
                result, count = self._pattern.subn(*args, **kwargs)
                if count:
                    _hit(self._rule)
                return result
            found, result = _matched(name, attribute(*args, **kwargs))
            if found:
                _hit(self._rule)
            return result

        return recorded


def _ablate_pattern(rule_id: str, pattern: Any) -> Any:
    return _RecordedPattern(rule_id, pattern)


def _ablate_re(rule_id: str, function: str) -> Callable[..., Any]:
    import re

    def recorded(*args: Any, **kwargs: Any) -> Any:
        if function == "sub":
            result, count = re.subn(*args, **kwargs)
            if count:
                _hit(rule_id)
            return result
        found, result = _matched(function, getattr(re, function)(*args, **kwargs))
        if found:
            _hit(rule_id)
        return result

    return recorded


# -- the worker processes ----------------------------------------------------------------------------
_STATE: dict[str, Any] = {"mode": None, "finder": None, "rules": None}


def _dependents(target: str) -> set[str]:
    """The package's modules that import `target`, directly or not (they must be imported again)."""
    imports: dict[str, set[str]] = _STATE.setdefault("imports", {})
    for path in [] if imports else PACKAGE.rglob("*.py"):
        name = _module_name(path)
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        imports[name] = found
    affected = {target}
    while True:
        more = {name for name, found in imports.items() if found & affected} - affected
        if not more:
            return affected | {m for m in affected for p in _parents(m)} | _parents(target)
        affected |= more


def _parents(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def _load(mode: str | None) -> None:
    """Import the extractor with `mode`: None (as written), "record", or a rule id to switch off."""
    if _STATE["mode"] == mode and "archivist.pipeline" in sys.modules:
        return
    import builtins

    builtins._ablate_pattern = _ablate_pattern  # type: ignore[attr-defined]
    builtins._ablate_re = _ablate_re  # type: ignore[attr-defined]
    rules: list[Rule] = _STATE["rules"]
    finder: _Finder = _STATE["finder"]
    if finder is None:
        finder = _STATE["finder"] = _Finder()
        sys.meta_path.insert(0, finder)
    stale = set(finder.rewrites)
    finder.rewrites = {}
    if mode == "record":
        by_module: dict[str, list[Rule]] = {}
        for rule in rules:
            by_module.setdefault(rule.module, []).append(rule)
        finder.rewrites = {m: _Rewrite(rs, None) for m, rs in by_module.items()}
    elif mode is not None:
        rule = next(r for r in rules if _rule_key(r) == mode)
        finder.rewrites = {rule.module: _Rewrite([r for r in rules if r.module == rule.module], rule)}
    purge: set[str] = set()
    for module in stale | set(finder.rewrites):
        purge |= _dependents(module)
    for name in [n for n in sys.modules if n in purge or n.startswith("archivist.pipeline")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    importlib.import_module("archivist.pipeline")
    _STATE["mode"] = mode


def _rule_key(rule: Rule) -> str:
    return rule.id if rule.key is None else f"{rule.id}[{rule.key}]"


def _init(rules: list[Rule]) -> None:
    _STATE["rules"] = rules
    # Rules are switched off by rewriting the modules' sources: the workers import the pure-Python
    # modules, never the compiled ones (archivist/_native.py), before archivist is first imported.
    os.environ["ARCHIVIST_PURE"] = "1"
    os.environ["RUST_BACKTRACE"] = "0"  # a rule switched off may make a Rust library panic: one line


def _digest(item: tuple[str, str, int, int, str | None, str | None]) -> str:
    from archivist.pipeline import InputFile, extract_input

    result = extract_input(InputFile(*item))
    record = result.document.to_record() if result.document else {"failure": result.failure}
    for volatile in ("spans", "version"):
        record.pop(volatile, None)
    text = json.dumps(record, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _clear_caches() -> None:
    """Forget answers remembered across files (`find_date`), so a pattern is seen on every file it
    decides; loaded models (unbounded caches) stay."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("archivist"):
            continue
        for value in list(vars(module).values()):
            parameters = getattr(value, "cache_parameters", None)
            if parameters is not None and parameters().get("maxsize") not in (None, 1):
                value.cache_clear()


def _work(task: tuple[str | None, list[tuple[Any, ...]]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    mode, items = task
    digests: dict[str, str] = {}
    _HITS.clear()
    try:
        _load(mode)
    except Exception as error:  # the rule switched off breaks the import: every file changes
        _STATE["mode"] = "broken"
        return {item[1]: f"import failed: {error!r}" for item in items}, {}
    for item in items:
        if mode == "record":
            _clear_caches()
        _CURRENT[0] = item[1]
        try:
            digests[item[1]] = _digest(item)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # a Rust panic (pyo3's PanicException) is no Exception
            digests[item[1]] = f"failed: {error!r}"
        _CURRENT[0] = None
    hits = {rule: sorted(paths) for rule, paths in _HITS.items()}
    return digests, hits


# -- the run -----------------------------------------------------------------------------------------
def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def ablate(
    inputs: list[str],
    rules: list[Rule],
    jobs: int,
    log: Callable[[str], None] = lambda _: None,
    prune: bool = True,
) -> dict[str, Any]:
    """{"files", "recorded_differently", "rules": [{rule fields, "checked", "changed", "examples"}]}."""
    from archivist.pipeline import collect_inputs

    items = [
        (f.location, f.path, f.size, f.mtime_ns, f.url, f.url_origin) for f in collect_inputs(inputs).files
    ]
    by_path = {item[1]: item for item in items}
    started = time.monotonic()
    context = get_context("spawn")  # fresh interpreters: the extractor is imported only as each mode asks
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init, initargs=(rules,)) as pool:
        size = max(8, len(items) // (4 * jobs))
        base: dict[str, str] = {}
        for digests, _ in pool.map(_work, [(None, chunk) for chunk in _chunks(items, size)]):
            base.update(digests)
        recorded: dict[str, str] = {}
        hits: dict[str, set[str]] = {}
        for digests, found in pool.map(_work, [("record", chunk) for chunk in _chunks(items, size)]):
            recorded.update(digests)
            for rule_id, paths in found.items():
                hits.setdefault(rule_id, set()).update(paths)
        # A file the recording run extracted differently (code comparing a pattern by identity) may
        # meet any pattern unrecorded: every rule is checked on it.
        unfaithful = {path for path, digest in recorded.items() if digest != base[path]}
        log(f"baseline and recording run: {len(items)} files, {time.monotonic() - started:.0f} s, "
            f"{len(unfaithful)} extracted differently when recorded")  # fmt: skip
        tasks: list[tuple[str, list[tuple[Any, ...]]]] = []
        checked: dict[str, int] = {}
        for rule in rules:
            if rule.kind == "words" or not prune or ALL in hits.get(rule.id, ()):
                paths = list(by_path)
            else:
                paths = sorted(hits.get(rule.id, set()) | unfaithful)
            checked[_rule_key(rule)] = len(paths)
            tasks += [(_rule_key(rule), chunk) for chunk in _chunks([by_path[p] for p in paths], 64)]
        log(f"{len(rules)} rules, {sum(checked.values())} extractions to compare")
        changed: dict[str, list[str]] = {_rule_key(rule): [] for rule in rules}
        done = 0
        for (mode, chunk), (digests, _) in zip(tasks, pool.map(_work, tasks), strict=True):
            assert mode is not None
            changed[mode] += [p for p, d in digests.items() if d != base[p]]
            done += len(chunk)
            if done // 5000 != (done - len(chunk)) // 5000:
                log(f"  {done} extractions compared, {time.monotonic() - started:.0f} s")
    report = []
    for rule in rules:
        key = _rule_key(rule)
        report.append(
            asdict(rule)
            | {"checked": checked[key], "changed": len(changed[key]), "examples": sorted(changed[key])[:5]}
        )
    return {
        "files": len(items),
        "recorded_differently": sorted(unfaithful),
        "seconds": round(time.monotonic() - started),
        "rules": report,
    }


def summary(report: dict[str, Any]) -> dict[str, Any]:
    rules = report["rules"]
    counts = Counter(r["changed"] for r in rules)
    kinds = Counter(r["kind"] for r in rules)
    return {
        "files": report["files"],
        "rules": len(rules),
        "by_kind": dict(sorted(kinds.items())),
        "change_none": counts[0],
        "change_one": counts[1],
        "change_two": counts[2],
        "change_at_most_two": counts[0] + counts[1] + counts[2],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("inputs", nargs="*", help="default: ../shared/corpus ../shared/seeds")
    parser.add_argument("--wide", action="store_true", help="add ../shared/corpus-wide")
    parser.add_argument("--sources", action="store_true", help="also the rules of archivist/sources/")
    parser.add_argument("--rule", action="append", help="only rules whose id starts with this")
    parser.add_argument("--kind", action="append", choices=["pattern", "inline", "words"])
    parser.add_argument("--every-file", action="store_true", help="check every rule on every file")
    parser.add_argument("--list", action="store_true", help="list the rules found, extract nothing")
    parser.add_argument("--json", help="write the full report here")
    parser.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    shared = PACKAGE.parent.parent.parent / "shared"
    inputs = args.inputs or [str(shared / "corpus"), str(shared / "seeds")]
    if args.wide:
        inputs.append(str(shared / "corpus-wide"))
    rules = all_rules(args.sources)
    if args.rule:
        rules = [r for r in rules if any(_rule_key(r).startswith(prefix) for prefix in args.rule)]
    if args.kind:
        rules = [r for r in rules if r.kind in args.kind]
    if args.list:
        for rule in rules:
            print(f"{_rule_key(rule):<40} {rule.kind:<8} {rule.label}")
        print(json.dumps(dict(Counter(r.kind for r in rules))))
        return
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    report = ablate(inputs, rules, args.jobs, log=log, prune=not args.every_file)
    for rule in sorted(report["rules"], key=lambda r: (r["changed"], r["id"])):
        flag = (
            "  <- dead" if rule["changed"] == 0 else "  <- one or two pages" if rule["changed"] <= 2 else ""
        )
        key = rule["id"] if rule["key"] is None else f"{rule['id']}[{rule['key']}]"
        print(f"{rule['changed']:>5}  {key:<44} {rule['kind']:<8} {rule['label']}{flag}")
    report["summary"] = summary(report)
    print(json.dumps(report["summary"]))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
