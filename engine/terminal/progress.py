"""The render's progress on screen: the keyframes drawn first, frames and shots done, the shot being made, time left, and on a
cluster one line per worker (its machine, its GPU, the shot in hand, the shots it finished)."""

from __future__ import annotations

import threading

from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from ..render.keyframes import PlannedKeyframe
from ..render.plan import PlannedShot, RenderPlan
from ..render.take import Progress, WorkerInfo
from ..store import TakeRecord


class RichProgress(Progress):
    """The render's bar: frames made of those to make, shots done, the shot in hand and its step; a line per worker."""

    def __init__(self, console: Console, plan: RenderPlan, only: set[str] | None = None) -> None:
        todo = plan.to_render(only)
        self.total_shots = len(todo)
        self.done_shots = 0
        self.bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("frames"),
                       TimeElapsedColumn(), TimeRemainingColumn(), console=console)
        self.task = self.bar.add_task(self._describe(None), total=max(1, sum(p.request.frames for p in todo)))
        self.keyframes_total = len({keyframe.key for keyframe in plan.keyframes_to_draw(todo)})
        self.keyframes_done = 0
        self._keyframes_lock = threading.Lock()  # the animatic draws keyframes on several threads
        self.worker_lines = Bar(TextColumn("  {task.description}"), console=console)
        self.worker_tasks: dict[str, tuple[int, WorkerInfo]] = {}
        self.worker_done: dict[str, int] = {}
        self.live = Live(self.bar, console=console, refresh_per_second=8)

    def _describe(self, planned: PlannedShot | None, detail: str = "") -> str:
        current = f" · {planned.shot_id}" if planned and not self.worker_tasks else ""
        return f"shots {self.done_shots}/{self.total_shots}{current}{detail}"

    def __enter__(self) -> RichProgress:
        self.live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.live.__exit__(*exc)
        if not self.live.console.is_interactive:  # as rich's Progress does: end the last line when not a terminal
            self.live.console.line()

    def workers_ready(self, workers: list[WorkerInfo]) -> None:
        self.live.update(Group(self.bar, self.worker_lines))
        for worker in workers:
            self.worker_done[worker.name] = 0
            task = self.worker_lines.add_task("", total=None)
            self.worker_tasks[worker.name] = (task, worker)
            self._show_worker(worker.name, None)

    def _show_worker(self, name: str, planned: PlannedShot | None) -> None:
        task, info = self.worker_tasks[name]
        doing = planned.shot_id if planned else "idle"
        self.worker_lines.update(task, description=f"{name} · {info.host} · {info.device} · {doing} · "
                                                   f"{self.worker_done[name]} shot(s) done")

    def keyframe_drawn(self, planned: PlannedKeyframe, record: TakeRecord) -> None:
        with self._keyframes_lock:
            self.keyframes_done += 1
            self.bar.update(self.task, description=f"keyframes {self.keyframes_done}/{self.keyframes_total} · "
                                                   f"{planned.shot_id}")

    def keyframe_denoising(self, planned: PlannedKeyframe, step: int, steps: int) -> None:
        self.bar.update(self.task, description=f"keyframes {self.keyframes_done}/{self.keyframes_total} · "
                                               f"{planned.shot_id} · step {step}/{steps}")

    def denoising(self, planned: PlannedShot, step: int, steps: int) -> None:
        self.bar.update(self.task, description=self._describe(planned, f" · step {step}/{steps}"))

    def shot_started(self, planned: PlannedShot, worker: str | None = None) -> None:
        if worker in self.worker_tasks:
            self._show_worker(worker, planned)
        self.bar.update(self.task, description=self._describe(planned))

    def frames_done(self, planned: PlannedShot, count: int) -> None:
        self.bar.advance(self.task, count)

    def shot_finished(self, planned: PlannedShot, record: TakeRecord, worker: str | None = None) -> None:
        self.done_shots += 1
        if worker in self.worker_tasks:
            self.worker_done[worker] += 1
            self._show_worker(worker, None)
        self.bar.update(self.task, description=self._describe(None))


class KeyframeBar:
    """The board's bar while keyframes are drawn: how many, the shot, and the denoising step of a model."""

    def __init__(self, console: Console, count: int) -> None:
        self.bar = Bar(TextColumn("keyframes {task.description}"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn(), console=console)
        self.task = self.bar.add_task("", total=count)

    def __enter__(self) -> KeyframeBar:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.__exit__(*exc)

    def drawn(self, planned: PlannedKeyframe, record: TakeRecord) -> None:
        self.bar.update(self.task, advance=1, description=planned.shot_id)

    def step(self, planned: PlannedKeyframe, done: int, steps: int) -> None:
        self.bar.update(self.task, description=f"{planned.shot_id} · step {done}/{steps}")
