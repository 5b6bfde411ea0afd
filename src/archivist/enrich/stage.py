"""The stage contract and the registry of stages shipped with archivist."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from archivist.enrich import dates, fingerprints, mentions, paragraphs
from archivist.model import Document, Span


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    needs: tuple[str, ...]  # layers read (the extractor's are always there: parts, header)
    adds: tuple[str, ...]  # layers written; nothing else of the document is touched
    about: str
    function: Callable[[Document], list[Span]]
    version: str

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "needs": list(self.needs), "adds": list(self.adds),
                "about": self.about}  # fmt: skip


def _stage(module: ModuleType) -> Stage:
    """A stage from a module that defines NAME, NEEDS, ADDS, a docstring and `annotate(doc)`; its
    version is the hash of the module's code (and of the modules it names in CODE, and the data
    version it names in DATA_VERSION, if any)."""
    code = inspect.getsource(module) + "".join(inspect.getsource(m) for m in getattr(module, "CODE", ()))
    code += getattr(module, "DATA_VERSION", "")  # data it reads beside its code
    version = hashlib.sha256(code.encode()).hexdigest()[:12]
    about = (module.__doc__ or "").strip().splitlines()[0]
    return Stage(module.NAME, tuple(module.NEEDS), tuple(module.ADDS), about, module.annotate, version)


STAGES: dict[str, Stage] = {
    s.name: s for s in (_stage(paragraphs), _stage(dates), _stage(mentions), _stage(fingerprints))
}


def order_stages(names: list[str]) -> list[Stage]:
    """The stages asked for, each after the stages that add what it needs."""
    wanted = [STAGES[n] for n in names]
    done: set[str] = {"parts", "header"}
    ordered: list[Stage] = []
    pending = list(wanted)
    while pending:
        ready = [s for s in pending if set(s.needs) <= done | {layer for t in STAGES.values() if t not in pending
                                                                    and t not in wanted for layer in t.adds}]  # fmt: skip
        if not ready:
            ready = pending[:1]  # needs a layer no stage asked for adds: it reads what is stored
        for stage in ready:
            ordered.append(stage)
            done |= set(stage.adds)
            pending.remove(stage)
    return ordered


def apply_stage(name: str, doc: Document) -> tuple[str, str, list[Span]]:
    """What a worker runs: one stage on one document → (document id, version, spans)."""
    stage = STAGES[name]
    agent = f"stage:{stage.name}@{stage.version}"
    spans = stage.function(doc)
    for span in spans:
        span.agent = agent
    return doc.id, doc.version or "", spans
