"""`longcut render --watch` as a person uses it: a real process, real saves, Ctrl-C to stop."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

from .films import TINY, tiny_film

FILM = TINY.split("  - id: two\n")[0] + "  - include: scenes/two.yaml\n"
SCENE = "id: two\nheading: INT. LAMP ROOM - NIGHT\nlocation: room\nshots:\n" + "\n".join(
    line[2:] for line in TINY.split("  - id: two\n")[1].splitlines()[3:]) + "\n"


class Watcher:
    """The watching process, its output read line by line as it comes."""

    def __init__(self, film) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
        # Ctrl-C as a terminal sends it: a shell that started the tests in the background (as CI may) leaves SIGINT
        # ignored, and a child inherits that; the watcher is given the default back, as a terminal would have it.
        self.process = subprocess.Popen([sys.executable, "-m", "longcut.engine.cli", "render", str(film), "--no-titles",
                                         "--watch"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        env=env, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, words: str, timeout: float = 120) -> list[str]:
        """The lines up to the first that holds words."""
        deadline, got = time.monotonic() + timeout, []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            got.append(line)
            self.seen.append(line)
            if words in line:
                return got
        raise AssertionError(f"no `{words}` in {timeout}s; output so far:\n{''.join(self.seen)}")


def test_watch_renders_what_changed_keeps_going_after_a_mistake_and_stops_on_ctrl_c(tmp_path):
    film = tiny_film(tmp_path, text=FILM)
    (tmp_path / "scenes").mkdir()
    scene = tmp_path / "scenes" / "two.yaml"
    scene.write_text(SCENE)
    watcher = Watcher(film)
    try:
        first = watcher.wait_for("watching")
        assert any("rendered 5 shot(s)" in line for line in first)
        scene.write_text(SCENE.replace("the beam sweeps", "the beam sweeps slowly"))  # one shot's prompt
        changed = watcher.wait_for("watching")
        assert any("changed: two.yaml" in line for line in changed)
        assert any("rendered 1 shot(s), 4 cached" in line for line in changed), changed
        assert any(line.startswith("cut ") for line in changed)
        scene.write_text(SCENE.replace("shots:", "shots: [").replace("the beam", "the  beam"))  # broken YAML
        broken = watcher.wait_for("watching")
        assert any("scenes/two.yaml" in line and "error:" in line for line in broken), broken
        assert watcher.process.poll() is None  # still watching
        scene.write_text(SCENE.replace("the beam sweeps", "the beam sweeps slowly"))  # fixed: nothing to render
        fixed = watcher.wait_for("watching")
        assert any("rendered 0 shot(s), 5 cached" in line for line in fixed), fixed
        (tmp_path / "film.mp4").touch()  # what longcut itself writes is not a change
        film.with_suffix(".srt").write_text("")
        time.sleep(1.5)
        assert watcher.lines.empty()
    finally:
        watcher.process.send_signal(signal.SIGINT)
        code = watcher.process.wait(timeout=30)
    assert code in (0, 130)
    last = watcher.wait_for("stopped watching", timeout=10)
    time.sleep(0.2)
    tail = "".join(last + [watcher.lines.get() for _ in range(watcher.lines.qsize())])
    assert "KeyboardInterrupt" not in tail  # the command's own words, not a library's log line
