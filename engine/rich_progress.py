"""The render's progress on screen: frames and shots done, the shot being made, time left."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from .plan import PlannedShot, RenderPlan
from .render import Progress
from .store import TakeRecord


class RichProgress(Progress):
    def __init__(self, console: Console, plan: RenderPlan, only: set[str] | None = None) -> None:
        todo = plan.to_render(only)
        self.total_shots = len(todo)
        self.done_shots = 0
        self.bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("frames"),
                       TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=False)
        self.task = self.bar.add_task(self._describe(None), total=max(1, sum(p.request.frames for p in todo)))

    def _describe(self, planned: PlannedShot | None, detail: str = "") -> str:
        current = f" · {planned.shot_id}" if planned else ""
        return f"shots {self.done_shots}/{self.total_shots}{current}{detail}"

    def denoising(self, planned: PlannedShot, step: int, steps: int) -> None:
        self.bar.update(self.task, description=self._describe(planned, f" · step {step}/{steps}"))

    def __enter__(self) -> RichProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.__exit__(*exc)

    def shot_started(self, planned: PlannedShot) -> None:
        self.bar.update(self.task, description=self._describe(planned))

    def frames_done(self, planned: PlannedShot, count: int) -> None:
        self.bar.advance(self.task, count)

    def shot_finished(self, planned: PlannedShot, record: TakeRecord) -> None:
        self.done_shots += 1
        self.bar.update(self.task, description=self._describe(None))
