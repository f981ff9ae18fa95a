"""Executors make a render plan's missing takes: in this process (the default) or across a Ray cluster.

An executor is given the shots to make in dependency order and yields each take's record as it
lands in the store. It may make shots in any order and at the same time, as long as a shot starts
only once the shot it takes its first frame from is in the store. Whatever runs them, a take is
keyed by its inputs and written once, so every executor makes the same film.

Only the local executor is imported here; the Ray one is imported when asked for, so nothing about
Ray is needed to install, import or test the rest of longcut.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from storyboard.schema import ExecutorName, ExecutorSpec

from ..errors import LongcutError
from ..plan import PlannedShot, RenderPlan
from ..store import TakeRecord, TakeStore
from ..take import Progress, make_take

NAMES = tuple(name.value for name in ExecutorName)  # what the screenplay accepts, the command line too


@dataclass(frozen=True)
class ExecutorOptions:
    name: str = "local"
    address: str | None = None  # ray: `auto`, HOST:PORT or ray://HOST:PORT; None starts Ray on this machine
    workers: int | None = None  # ray: at most this many workers (default: as many as the cluster fits)
    gpus_per_worker: float | None = None  # ray: default 1 for a backend that wants a GPU, else 0

    @classmethod
    def from_spec(cls, spec: ExecutorSpec, name: str | None = None, address: str | None = None,
                  workers: int | None = None) -> ExecutorOptions:
        """The screenplay's `executor:` with the command line's options over it."""
        chosen = name or spec.name.value
        if chosen not in NAMES:
            raise LongcutError(f"unknown executor `{chosen}`", hint=f"use one of: {', '.join(NAMES)}")
        return cls(chosen, address or spec.address, workers or spec.workers, spec.gpus_per_worker)


class Executor(Protocol):
    name: str

    def run(self, plan: RenderPlan, store: TakeStore, shots: list[PlannedShot],
            progress: Progress) -> Iterator[TakeRecord]:
        """Make these shots' takes (dependency order given); yield each record once its take is in the store."""


class LocalExecutor:
    """One shot after another, in this process, with the backend the plan holds."""

    name = "local"

    def run(self, plan: RenderPlan, store: TakeStore, shots: list[PlannedShot],
            progress: Progress) -> Iterator[TakeRecord]:
        for planned in shots:
            yield make_take(planned, plan.backend, store, progress)


def create_executor(options: ExecutorOptions) -> Executor:
    if options.name == "local":
        return LocalExecutor()
    from .ray import RayExecutor

    return RayExecutor(options)
