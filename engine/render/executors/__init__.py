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

from longcut.storyboard import Problem, Screenplay, ScreenplayError
from longcut.storyboard.errors import did_you_mean

from ...errors import LongcutError
from ...store import TakeRecord, TakeStore
from ..plan import PlannedShot, RenderPlan
from ..take import Progress, make_take

NAMES = ("local", "ray")  # what the screenplay's `executor:` and the command line accept
# each executor's settings in the screenplay: (type, the least value)
SETTINGS: dict[str, dict[str, tuple[type, float | None]]] = {
    "local": {},
    "ray": {"address": (str, None), "workers": (int, 1), "gpus_per_worker": (float, 0)},
}


@dataclass(frozen=True)
class ExecutorOptions:
    name: str = "local"
    address: str | None = None  # ray: `auto`, HOST:PORT or ray://HOST:PORT; None starts Ray on this machine
    workers: int | None = None  # ray: at most this many workers (default: as many as the cluster fits)
    gpus_per_worker: float | None = None  # ray: default 1 for a backend that wants a GPU, else 0

    @classmethod
    def of(cls, screenplay: Screenplay, name: str | None = None, address: str | None = None,
           workers: int | None = None) -> ExecutorOptions:
        """The screenplay's `executor:`, checked (a bad name or setting points at its line), with the command
        line's options over it."""
        spec = screenplay.film.executor
        settings = check_executor(screenplay)
        chosen = name or spec.name
        if chosen not in NAMES:
            raise LongcutError(f"unknown executor `{chosen}`", hint=f"use one of: {', '.join(NAMES)}")
        return cls(chosen, address or settings.get("address"), workers or settings.get("workers"),
                   settings.get("gpus_per_worker"))


def check_executor(screenplay: Screenplay) -> dict:
    """The screenplay's executor settings, checked against what its executor takes (ScreenplayError if not)."""
    spec, source = screenplay.film.executor, screenplay.source
    if spec.name not in NAMES:
        mark = source.value(("executor", "name")) or source.value(("executor",))
        raise ScreenplayError([Problem(f"unknown executor `{spec.name}`", mark,
                                       hint=did_you_mean(spec.name, NAMES, "executors"))])
    known = SETTINGS[spec.name]
    for key, value in spec.settings.items():
        if key not in known:
            raise ScreenplayError([Problem(f"executor `{spec.name}` has no setting `{key}`",
                                           source.key(("executor", key)), hint=did_you_mean(key, known, "settings"))])
        kind, least = known[key]
        ok = isinstance(value, (int, float) if kind is float else kind) and not isinstance(value, bool)
        if not ok or (least is not None and value < least):
            wanted = {int: "a whole number", float: "a number", str: "text"}[kind] + (
                f" of at least {least:g}" if least is not None else "")
            raise ScreenplayError([Problem(f"executor setting `{key}` should be {wanted}, got {value!r}",
                                           source.value(("executor", key)))])
    return spec.settings


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
