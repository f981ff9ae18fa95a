"""Backends for tests, built on the real animatic: one counts its calls, one fails on a named shot."""

from __future__ import annotations

from longcut.engine.backends import Backend
from longcut.engine.backends.animatic import AnimaticBackend


class CountingAnimatic(AnimaticBackend):
    name = "counting"
    calls: list[tuple[str, int, int]] = []  # (shot, start, count), across instances

    def generate(self, request, segment):
        CountingAnimatic.calls.append((request.shot_id, segment.start, segment.count))
        yield from super().generate(request, segment)


class FlakyAnimatic(AnimaticBackend):
    """Draws like the animatic, but the shot named by `fail_on` fails half-way with the backend's own error."""

    name = "flaky"

    def __init__(self, settings=None, fps=None):
        settings = dict(settings or {})
        self.fail_on = settings.pop("fail_on", None)
        super().__init__(settings, fps)

    def generate(self, request, segment):
        for number, frame in enumerate(super().generate(request, segment)):
            if request.shot_id == self.fail_on and number == segment.count // 2:
                raise RuntimeError("CUDA out of memory (simulated)")
            yield frame


class Unfinished(Backend):
    """A plug-in that leaves out what every backend must do (it makes no frames)."""

    name, version = "unfinished", "1"

    def settings(self):
        return {}

    def max_frames(self, request):
        return 1
