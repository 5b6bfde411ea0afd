"""Text reuse on real files: the HTML/Markdown twins of ../shared/corpus grouped into works,
quotations linked both ways, incremental runs, diffs; and a synthetic test of passages copied from
one real document into another with OCR-like noise (recall by noise level, precision on the rest)."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivist.cli import main
from archivist.pipeline import extract_file

from .conftest import GOLD, shared_or_skip

FOLDERS = ("mia-reader", "wikirouge-mecw")  # HTML/Markdown twins and wikirouge re-serialisations


def _run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _ids(runner: CliRunner, db: str) -> dict[str, dict]:
    works = json.loads(_run(runner, "works", "--db", db, "--format", "json"))
    return {d["path"]: dict(d, work=w["id"]) for w in works for d in w["documents"]}


@pytest.fixture(scope="module")
def twins(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("reuse") / "a.db")
    runner = CliRunner()
    for folder in FOLDERS:
        _run(runner, "ingest", str(corpus / folder), "--db", db, "-q")
    # each folder is a collection named by the folder: keys are paths as in the gold
    report = json.loads(_run(runner, "reuse", "--db", db, "--format", "json", "-q", "-j", "2"))
    assert report["indexed"] == report["fingerprinted"] > 100
    return db


def test_twins_are_witnesses_of_one_work(twins: str) -> None:
    runner = CliRunner()
    docs = _ids(runner, twins)
    works = json.loads(_run(runner, "works", "--db", twins, "--format", "json"))
    paths = [d["path"] for w in works for d in w["documents"]]
    assert len(paths) == len(set(paths)) == len(docs)  # every current document in exactly one work
    assert all(sum(d["preferred"] for d in w["documents"]) == 1 for w in works)
    same = [
        ("mia-reader/_pages/marx/works/1845/theses/theses.htm", "mia-reader/_pages/marx/works/1845/theses/theses.md"),
        ("mia-reader/_pages/marx/works/1845/theses/theses.htm",
         "wikirouge-mecw/en/MIA/marx/works/1845/theses/theses.html"),
        ("mia-reader/_pages/marx/works/1883/death/burial.htm", "mia-reader/_pages/marx/works/1883/death/burial.md"),
        ("mia-reader/_pages/marx/works/1890/letters/90_09_21.htm",
         "mia-reader/_pages/marx/works/1890/letters/90_09_21.md"),
        ("mia-reader/_pages/marx/works/1845/theses/feuerbach.htm",
         "mia-reader/_pages/marx/works/1845/theses/feuerbach.md"),
    ]  # fmt: skip
    for a, b in same:
        assert docs[a]["work"] == docs[b]["work"], (a, b)
        assert {docs[a]["relation"], docs[b]["relation"]} <= {"preferred", "same"}
    # every HTML page of mia-reader with a Markdown twin is grouped with it
    twins_found = [p for p in docs if p.endswith(".htm") and p[:-4] + ".md" in docs]
    assert len(twins_found) >= 7
    assert all(docs[p]["work"] == docs[p[:-4] + ".md"]["work"] for p in twins_found)
    # the "File No Longer Available" stub is not the Theses
    assert docs["mia-reader/_pages/marx/works/1845/theses/theses.htm"]["work"] != docs[
        "mia-reader/_pages/marx/works/1845/theses/feuerbach.md"]["work"]  # fmt: skip


def test_gold_pairs_inside_the_subset(twins: str) -> None:
    """The gold pairs whose two documents are in these folders: all right (the Manifesto's French
    translation and the plain-text copy are elsewhere)."""
    gold = shared_or_skip(GOLD / "reuse-dev.jsonl")
    result = CliRunner().invoke(
        main, ["eval", "reuse", "--gold", str(gold), "--db", twins, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    inside = [e for e in report["errors"] if e["a"].startswith(FOLDERS) and e["b"].startswith(FOLDERS)]
    assert inside == []
    assert report["false_positive"] == 0


def _reuse_tables(db: str) -> tuple[list[tuple], list[tuple]]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        pairs = conn.execute("SELECT a, b, a_coverage, b_coverage, passages, same_text, relation, confidence, "
                             "evidence FROM reuse_pairs ORDER BY a, b").fetchall()  # fmt: skip
        links = conn.execute('SELECT document_id, start, "end", other_id, other_start, other_end, words, overlap, '
                             "earlier FROM reuse_links ORDER BY 1, 2, 4, 5").fetchall()  # fmt: skip
    return pairs, links


def test_one_process_finds_what_two_workers_found(twins: str, corpus: Path, tmp_path: Path) -> None:
    """Each document is compared with the documents indexed before it, whichever worker does it:
    a run in one process stores the same pairs and passages as the fixture's run on two workers."""
    db = str(tmp_path / "serial.db")
    runner = CliRunner()
    for folder in FOLDERS:
        _run(runner, "ingest", str(corpus / folder), "--db", db, "-q")
    _run(runner, "reuse", "--db", db, "-q", "-j", "1")
    pairs, links = _reuse_tables(db)
    assert len(pairs) >= 10 and len(links) >= 2 * len(pairs)
    assert (pairs, links) == _reuse_tables(twins)
    assert json.loads(_run(runner, "works", "--db", db, "--format", "json")) == json.loads(
        _run(runner, "works", "--db", twins, "--format", "json")
    )


def test_incremental_quotes_and_excerpts(twins: str, corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    again = json.loads(_run(runner, "reuse", "--db", twins, "--format", "json", "-q"))
    assert again["indexed"] == 0 and again["fingerprinted"] == 0  # nothing new: nothing compared
    before = json.loads(_run(runner, "works", "--db", twins, "--format", "json"))
    # a new folder: only its documents are compared with the archive
    _run(runner, "ingest", str(corpus / "uh-soco-llm"), "--db", twins, "-q")
    added = json.loads(_run(runner, "reuse", "--db", twins, "--format", "json", "-q"))
    assert added["indexed"] == 2
    docs = _ids(runner, twins)
    manifesto = docs["uh-soco-llm/data/marx-communist-manifesto.txt"]
    ch04 = docs["mia-reader/_pages/marx/works/1848/communist-manifesto/ch04.htm"]
    assert manifesto["work"] == ch04["work"] and manifesto["preferred"] and ch04["relation"] == "excerpt"
    # the passage is linked from both sides, spans pointing at the same words
    here = json.loads(_run(runner, "quotes", ch04["id"], "--db", twins, "--format", "json"))
    there = json.loads(_run(runner, "quotes", manifesto["id"], "--db", twins, "--format", "json"))
    link = next(x for x in here if x["other_id"] == manifesto["id"])
    back = next(x for x in there if x["other_id"] == ch04["id"] and x["start"] == link["other_start"])
    assert link["words"] >= 400 and link["overlap"] > 0.9 and back["other_start"] == link["start"]
    assert link["text"].split()[:6] == link["other_text"].split()[:6]
    # the work's metadata: merged field by field, each value with the witness it came from
    witnesses = json.loads(_run(runner, "witnesses", ch04["id"], "--db", twins, "--format", "json"))
    assert {w["id"] for w in witnesses["witnesses"]} >= {manifesto["id"], ch04["id"]}
    assert witnesses["metadata"]["title"]["document"] != manifesto["id"]  # the plain text has no title
    # --rebuild recomputes everything and gives the same works
    rebuilt = json.loads(_run(runner, "reuse", "--db", twins, "--format", "json", "-q", "--rebuild"))
    assert rebuilt["indexed"] == len(docs)
    after = {d["path"]: w["id"] for w in json.loads(_run(runner, "works", "--db", twins, "--format", "json"))
             for d in w["documents"]}  # fmt: skip
    for w in before:
        for d in w["documents"]:
            assert after[d["path"]] == w["id"] or d["path"].endswith(".md")  # ids are stable


def test_diff_by_paragraph(twins: str) -> None:
    runner = CliRunner()
    docs = _ids(runner, twins)
    a = docs["mia-reader/_pages/marx/works/1845/theses/theses.htm"]["id"]
    b = docs["mia-reader/_pages/marx/works/1845/theses/engels.htm"]["id"]
    result = json.loads(_run(runner, "diff", a, b, "--db", twins, "--format", "json"))
    assert result["matched"] >= 10 and result["changed_words"] > 0
    ops = [op["op"] for p in result["paragraphs"] for op in p["ops"]]
    assert "equal" in ops and {"replace", "insert", "delete"} & set(ops)
    text = _run(runner, "diff", a, b, "--db", twins)
    assert "paragraphs aligned" in text and ("[-" in text or "{+" in text)
    twin = docs["mia-reader/_pages/marx/works/1845/theses/theses.md"]["id"]
    same = json.loads(_run(runner, "diff", a, twin, "--db", twins, "--format", "json"))
    assert same["changed_words"] <= 5 and same["only_a"] == same["only_b"] == 0


# -- synthetic: passages copied with OCR-like noise ---------------------------------------------------
CONFUSIONS = {
    "e": "c",
    "c": "e",
    "l": "1",
    "i": "l",
    "o": "0",
    "n": "u",
    "u": "n",
    "m": "rn",
    "h": "b",
    "a": "o",
}
NOISE_LEVELS = (0.0, 0.02, 0.05, 0.08, 0.10)
LENGTHS = (40, 80, 150, 400)


def noisy(words: list[str], level: float, rng: random.Random) -> str:
    """Lines of ten words; each letter misread at `level` (OCR confusions or any letter), each
    line dropped at `level`, a long word at a line's end hyphenated across the break."""
    lines = [words[i : i + 10] for i in range(0, len(words), 10)]
    kept = [line for line in lines if rng.random() >= level] or lines[:1]
    out = []
    for line in kept:
        text = []
        for word in line:
            chars = [
                (CONFUSIONS.get(c, c) if rng.random() < 0.7 else rng.choice("abcdefghijklmnopqrstuvwxyz"))
                if c.isalpha() and rng.random() < level else c
                for c in word
            ]  # fmt: skip
            text.append("".join(chars))
        if level and len(text[-1]) >= 6:
            cut = len(text[-1]) // 2
            text[-1] = text[-1][:cut] + "-\n" + text[-1][cut:]
        out.append(" ".join(text))
    return "\n".join(out)


def _body(path: Path, key: str) -> str:
    doc = extract_file(str(path), key).document
    assert doc is not None
    return doc.body


Planted = tuple[str, str, float, int]  # host file, source file, noise level, length in words


def plant_passages(
    folder: Path,
    source_words: dict[int, list[str]],
    hosts: list[Path],
    rng: random.Random,
    reps: int,
    passages: dict[str, str] | None = None,
) -> list[Planted]:
    """Write into `folder`, for each noise level and length, `reps` host pages (real pages of other
    authors) with a noisy passage of a random source (`source{i}.txt`) in their middle, and ten
    unrelated pages beside them (`plain{k}.txt`); the passages' text goes into `passages`.
    bench/reuse_noise.py plants its larger set with this too."""
    planted = []
    host_iter = iter(hosts)
    for level in NOISE_LEVELS:
        for length in LENGTHS:
            for rep in range(reps):
                i = rng.randrange(len(source_words))
                words = source_words[i]
                if len(words) < length + 20:
                    continue
                start = rng.randrange(0, len(words) - length)
                passage = noisy(words[start : start + length], level, rng)
                paragraphs = _body(next(host_iter), "h").split("\n\n")
                cut = len(paragraphs) // 2
                name = f"host-{int(level * 100):02d}-{length}-{rep}.txt"
                if passages is not None:
                    passages[name] = passage
                (folder / name).write_text(
                    "\n\n".join([*paragraphs[:cut], passage, *paragraphs[cut:]]), "utf-8"
                )
                planted.append((name, f"source{i}.txt", level, length))
    for k in range(10):  # unrelated documents, nothing planted
        (folder / f"plain{k}.txt").write_text(_body(next(host_iter), "p"), encoding="utf-8")
    return planted


def test_synthetic_noisy_passages(corpus: Path, tmp_path: Path) -> None:
    rng = random.Random(18)
    sources = sorted((corpus / "mia-reader" / "_pages" / "lenin").rglob("*.htm"))[:6]
    hosts = sorted((corpus / "mia-mass-edits" / "archive").rglob("*.htm*"))
    hosts = [h for h in hosts if "lenin" not in str(h) and "marx" not in str(h)]
    rng.shuffle(hosts)
    folder = tmp_path / "synthetic"
    folder.mkdir()
    for i, src in enumerate(sources):
        (folder / f"source{i}.txt").write_text(_body(src, f"s/{i}"), encoding="utf-8")
    db = str(tmp_path / "s.db")
    runner = CliRunner()
    _run(runner, "ingest", str(folder), "--db", db, "-q")
    from archivist.store import Archive
    from archivist.store import reuse as reuse_store

    with Archive(db, readonly=True) as archive:  # passages are taken from each source's body as stored
        source_words = {int(Path(d.path).stem[6:]): d.body.split() for d in archive.documents()}
    planted = plant_passages(folder, source_words, hosts, rng, reps=4)
    _run(runner, "ingest", str(folder), "--db", db, "-q")
    _run(runner, "reuse", "--db", db, "-q")
    with Archive(db, readonly=True) as archive:
        ids = {Path(d.path).name: d.id for d in archive.documents()}
        found: dict[tuple[str, str], int] = {}
        for name, doc_id in ids.items():
            for link in reuse_store.links(archive, doc_id):
                other = next(n for n, i in ids.items() if i == link["other_id"])
                found[(name, other)] = found.get((name, other), 0) + link["words"]
    by_level: dict[float, list[int]] = {}
    for host, source, level, length in planted:
        by_level.setdefault(level, []).append(int(found.get((host, source), 0) >= 0.5 * length))
    holds: dict[str, set[str]] = {}  # document -> the sources whose text it holds
    for host, source, _, _ in planted:
        holds.setdefault(host, set()).add(source)
        holds.setdefault(source, set()).add(source)
    wrong = [(x, y) for x, y in found if not holds.get(x, set()) & holds.get(y, set())]
    missed = [p for p in planted if found.get((p[0], p[1]), 0) < 0.5 * p[3]]
    by_length = {n: round(sum(1 for p in planted if p[3] == n and p not in missed) / max(1, sum(1 for p in planted if p[3] == n)), 3) for n in LENGTHS}  # fmt: skip
    precision = 1 - len(wrong) / max(1, len(found))
    table = {f"{level:.0%}": round(sum(v) / len(v), 3) for level, v in sorted(by_level.items())}
    print(f"\nsynthetic: {len(planted)} passages; recall by noise level {table}, by length {by_length}; "
          f"precision {precision:.3f} ({len(found)} links)")  # fmt: skip
    assert table["0%"] == 1.0 and table["2%"] >= 0.85 and table["5%"] >= 0.7
    assert precision >= 0.95


@pytest.mark.cluster
def test_reuse_on_dask_gives_the_same_works(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    folder = corpus / "mia-reader" / "_pages" / "marx" / "works" / "1845" / "theses"
    runner = CliRunner()
    listings, tables = {}, {}
    for engine in ("local", "dask"):
        db = str(tmp_path / f"{engine}.db")
        _run(runner, "ingest", str(folder), "--db", db, "-q")
        report = json.loads(
            _run(runner, "reuse", "--db", db, "--engine", engine, "-j", "2", "--format", "json", "-q")
        )
        assert report["fingerprinted"] == report["indexed"] >= 5
        listings[engine] = json.loads(_run(runner, "works", "--db", db, "--format", "json"))
        tables[engine] = _reuse_tables(db)
    assert listings["dask"] == listings["local"]
    assert tables["dask"] == tables["local"] and tables["local"][0]  # the same pairs and passages
    theses = next(
        w for w in listings["local"] if any(d["path"].endswith("theses/theses.md") for d in w["documents"])
    )
    assert {d["path"].rsplit("/", 1)[1] for d in theses["documents"]} >= {"theses.htm", "theses.md"}


def test_edited_and_withdrawn_documents_are_compared_again(corpus: Path, tmp_path: Path) -> None:
    theses = corpus / "mia-reader" / "_pages" / "marx" / "works" / "1845" / "theses"
    folder = tmp_path / "copies"
    folder.mkdir()
    body = _body(theses / "theses.htm", "t")
    other = _body(corpus / "mia-reader" / "_pages" / "marx" / "works" / "1883" / "death" / "burial.htm", "b")
    for name in ("one.txt", "two.txt", "three.txt"):
        (folder / name).write_text(body, encoding="utf-8")
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    _run(runner, "ingest", str(folder), "--db", db, "-q")
    assert json.loads(_run(runner, "reuse", "--db", db, "--format", "json", "-q"))["indexed"] == 3
    assert len({d["work"] for d in _ids(runner, db).values()}) == 1
    (folder / "two.txt").write_text(other, encoding="utf-8")  # edited: now another text
    (folder / "three.txt").unlink()  # gone: withdrawn
    _run(runner, "ingest", str(folder), "--db", db, "-q")
    report = json.loads(_run(runner, "reuse", "--db", db, "--format", "json", "-q"))
    assert report["indexed"] == 1 and report["removed"] == 1
    docs = _ids(runner, db)
    assert sorted(Path(p).name for p in docs) == ["one.txt", "two.txt"]
    assert docs["copies/one.txt"]["work"] != docs["copies/two.txt"]["work"]
    assert all(d["preferred"] and d["relation"] == "preferred" for d in docs.values())


def test_other_translation_by_names_and_numbers_in_order(corpus: Path, tmp_path: Path) -> None:
    """The English Manifesto (plain text, no metadata) and the French TEI of 1886 share no words:
    they are one work by their proper names and years in one order; none of the other French
    texts (Marx's own Class Struggles in France among them) joins an English one."""
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    manifesto = corpus / "mia-reader" / "_pages" / "marx" / "works" / "1848" / "communist-manifesto"
    for folder in (corpus / "uh-soco-llm", corpus / "hurlus-tei", manifesto):
        _run(runner, "ingest", str(folder), "--db", db, "-q")
    report = json.loads(_run(runner, "reuse", "--db", db, "--format", "json", "-q"))
    assert report["translations"] >= 1
    docs = _ids(runner, db)
    english = docs["uh-soco-llm/data/marx-communist-manifesto.txt"]
    french = docs["hurlus-tei/marx1848_manifeste1886.xml"]
    assert english["work"] == french["work"]
    assert "other-translation" in {english["relation"], french["relation"]}
    assert docs["hurlus-tei/marx1850_france-lutte-classes.xml"]["work"] != english["work"]
    mixed = {
        d["work"]
        for d in docs.values()
        if d["path"].startswith("hurlus-tei/")
        and any(e["work"] == d["work"] and not e["path"].startswith("hurlus-tei/") for e in docs.values())
    }
    assert mixed == {english["work"]}  # the only work across the two languages
    witnesses = json.loads(_run(runner, "witnesses", english["id"], "--db", db, "--format", "json"))
    other = next(w for w in witnesses["witnesses"] if w["id"] == french["id"])
    assert 0.5 <= other["confidence"] <= 1
    evidence = other["evidence"]
    assert (
        evidence["chain"] >= 12
        and evidence["density"] >= 0.5
        and {"1830", "proud"} <= set(evidence["anchors"])
    )
    text = _run(runner, "witnesses", english["id"], "--db", db)
    assert "names and numbers in the same order" in text


def test_an_interrupted_reuse_run_resumes_to_the_same_pairs(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run stopped between rounds (Ctrl-C) leaves documents indexed whose comparison never came
    back; the next run compares them, so the archive ends as one uninterrupted run leaves it."""
    from archivist.reuse import run as reuse_run
    from archivist.store import Archive

    db = str(tmp_path / "stopped.db")
    runner = CliRunner()
    for folder in FOLDERS:
        _run(runner, "ingest", str(corpus / folder), "--db", db, "-q")
    _run(runner, "annotate", "--db", db, "--stage", "fingerprints", "-q")
    whole = str(tmp_path / "whole.db")
    shutil.copy(db, whole)
    _run(runner, "reuse", "--db", whole, "-q")  # the same archive, compared in one run
    monkeypatch.setattr(reuse_run, "ROUND", 20)

    def stop_at_first_round(done: int, total: int) -> None:
        raise KeyboardInterrupt  # after round one's results are stored and round two is indexed

    with Archive(db) as archive, pytest.raises(KeyboardInterrupt):
        reuse_run.update(archive, progress=stop_at_first_round)
    with Archive(db) as archive:
        assert archive.conn.execute("SELECT count(*) FROM reuse_docs").fetchone()[0] == 40
    monkeypatch.undo()
    _run(runner, "reuse", "--db", db, "-q")
    pairs, links = _reuse_tables(db)
    assert len(pairs) >= 10 and (pairs, links) == _reuse_tables(whole)
