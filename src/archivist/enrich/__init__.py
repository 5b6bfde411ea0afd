"""Stages: what is learnt about a stored document after extraction, as spans in layers of its own.

A `Stage` is a pure function from a `Document` (as stored, with its corrections applied) to spans,
with the layers it needs and the layers it adds, so that `archivist annotate` can run stages in
order, only on documents whose current version a stage has not read, on a process pool or a Dask
cluster — the writer in the calling process alone touches the archive. Entities, dates and text
reuse are stages; each stage's version is a hash of its own code, so a changed stage runs again.
"""

from __future__ import annotations

from archivist.enrich.run import run_stages
from archivist.enrich.stage import STAGES, Stage, apply_stage, order_stages

__all__ = ["STAGES", "Stage", "apply_stage", "order_stages", "run_stages"]
