"""The Ray executor on a real local Ray started inside the tests: the same frames as in this process,
a worker killed mid-shot, a second run that renders nothing, and the errors a user meets."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from longcut.engine import plugins
from longcut.engine.errors import LongcutError
from longcut.engine.render.executors import ExecutorOptions, LocalExecutor, create_executor
from longcut.engine.media.ffmpeg import probe_frames
from longcut.engine.app.project import Project
from longcut.engine.render import render
from longcut.engine.render.take import Progress

from .cli import run as cli
from .films import example_copy

ray = pytest.importorskip("ray")

SIZE = (160, 90)  # small frames: the point is the scheduling, not the pictures


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A local Ray that declares two GPUs, so GPU workers schedule here exactly as on a GPU machine."""
    os.environ["RAY_AUTH_MODE"] = "disabled"  # no token written to ~/.ray
    ray.init(num_cpus=2, num_gpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR",
             _temp_dir=str(tmp_path_factory.mktemp("ray")))
    yield ray
    ray.shutdown()


class Recorder(Progress):
    def __init__(self) -> None:
        self.workers, self.started = [], []

    def workers_ready(self, workers) -> None:
        self.workers = workers

    def shot_started(self, planned, worker=None) -> None:
        self.started.append((planned.shot_id, worker))


def render_with(executor, film: Path, size=SIZE, progress=None):
    project = Project.open(film)
    plan = project.plan(size=size)
    return project, render(plan, project.store, project.lock, progress, executor=executor)


def takes(project: Project) -> dict[str, dict]:
    found = {}
    for path in project.store.takes.glob("*/*/take.json"):
        record = json.loads(path.read_text())
        if record.get("kind") == "keyframe":
            continue  # a shot's keyframe, drawn before its video
        assert record["shot"] not in found, f"shot {record['shot']} has two takes"
        found[record["shot"]] = record
    return found


@pytest.fixture(scope="module")
def in_process(tmp_path_factory):
    """The example film rendered the ordinary way: what every executor must reproduce."""
    project, result = render_with(LocalExecutor(), example_copy(tmp_path_factory.mktemp("local")))
    return {shot: (record["key"], record["frames_sha256"], record["files"]["clip.mp4"]["sha256"])
            for shot, record in takes(project).items()}


def test_ray_renders_the_frames_a_single_machine_renders(cluster, tmp_path, in_process):
    progress = Recorder()
    executor = create_executor(ExecutorOptions("ray", workers=2, gpus_per_worker=1))
    project, result = render_with(executor, example_copy(tmp_path), progress=progress)
    assert sorted(result.rendered) == sorted(in_process)
    # the same frames and the same bytes: a shared store's picture never depends on which machine made a take
    assert {shot: (r["key"], r["frames_sha256"], r["files"]["clip.mp4"]["sha256"])
            for shot, r in takes(project).items()} == in_process
    assert [worker.name for worker in progress.workers] == ["worker 1", "worker 2"]
    assert {worker for _, worker in progress.started} == {"worker 1", "worker 2"}  # both GPUs were used
    # a shot started only after the shot it continues from was finished: the order respects the graph
    order = [shot for shot, _ in progress.started]
    for shot, planned in project.plan(size=SIZE).shots.items():
        if planned.parent:
            assert order.index(planned.parent) < order.index(shot)
    # a second run renders nothing and starts no worker
    again = Recorder()
    project, result = render_with(executor, project.screenplay.path, progress=again)
    assert result.rendered == [] and len(result.cached) == len(in_process) and again.workers == []


def test_a_worker_killed_mid_shot_is_restarted_and_every_take_is_written_once(cluster, tmp_path):
    film = example_copy(tmp_path)
    size = (640, 360)  # shots long enough to be caught half-written
    project = Project.open(film)
    scratch = project.store.scratch
    outcome = {}

    def run_render():
        try:
            outcome["result"] = render_with(create_executor(ExecutorOptions("ray", workers=2)), film, size)[1]
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run_render)
    thread.start()
    killed = None
    deadline = time.monotonic() + 60
    while killed is None and time.monotonic() < deadline and thread.is_alive():
        for folder in scratch.iterdir() if scratch.is_dir() else []:
            if (folder / "clip.mp4").exists():  # a take being written: key.pid.random.host
                killed = int(folder.name.split(".")[1])
                os.kill(killed, signal.SIGKILL)
                break
        time.sleep(0.005)
    thread.join(120)
    assert killed is not None, "no shot was caught mid-write"
    assert "error" not in outcome, outcome.get("error")
    plan = Project.open(film).plan(size=size)
    assert all(planned.cached for planned in plan.shots.values())
    written = takes(project)
    assert sorted(written) == sorted(plan.shots)
    for shot, record in written.items():  # each take whole: its clip has every frame its record names
        assert record["key"] == plan.shots[shot].key
        assert probe_frames(project.store.clip(record["key"])) == record["frames"] == plan.shots[shot].request.frames
    # the killed worker's half-written folder is never visible as a take, and the next run sweeps it
    assert project.store.sweep() >= 1
    again = render_with(create_executor(ExecutorOptions("ray", workers=2)), film, size)[1]
    assert again.rendered == []


def test_a_cluster_with_no_room_for_a_worker_is_a_clear_error(cluster, tmp_path):
    executor = create_executor(ExecutorOptions("ray", gpus_per_worker=4))  # the cluster has 2 GPUs
    with pytest.raises(LongcutError, match=r"no room for a worker of backend `animatic`: each needs 4 GPU"):
        render_with(executor, example_copy(tmp_path))


def test_a_backend_failing_on_a_worker_stops_the_render_with_its_message(cluster, tmp_path, monkeypatch):
    monkeypatch.setitem(plugins.registry(plugins.BACKENDS), "flaky", "tests.backends:FlakyAnimatic")
    film = example_copy(tmp_path)
    film.write_text(film.read_text().replace("backend: animatic", "backend: {name: flaky, fail_on: storm-1}"))
    executor = create_executor(ExecutorOptions("ray", workers=1))
    with pytest.raises(LongcutError, match=r"shot `storm-1`: backend `flaky` failed: RuntimeError: CUDA out of memory"):
        render_with(executor, film)
    project = Project.open(film)
    kept = takes(project)  # the shots finished before it are kept, in the store and the lock file
    assert kept and "storm-1" not in kept
    assert sorted(project.lock.shots) == sorted(kept)


def test_the_cli_starts_ray_itself_and_cuts_the_film(tmp_path, tmp_path_factory):
    # A fresh process, as a user runs it: no Ray running, so the executor starts one here and stops it after.
    # (Ray's socket paths must stay under 108 bytes: hence a short temp folder of its own.)
    film = example_copy(tmp_path)
    text = film.read_text()
    film.write_text(text.replace("backend: animatic", "backend: animatic\nexecutor: {name: ray, workers: 2}"))
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_TMPDIR": str(tmp_path_factory.mktemp("r"))}
    done = subprocess.run([sys.executable, "-m", "longcut.engine.cli", "render", str(film), "--size", "160x90"],
                          env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "worker 2" in done.stdout and "rendered 8 shot(s)" in done.stdout
    assert film.with_suffix(".160x90.mp4").is_file()


def test_an_unreachable_cluster_fails_fast_with_a_hint(tmp_path):
    film = example_copy(tmp_path)
    started = time.monotonic()
    result = cli("render", film, "--executor", "ray", "--address", "127.0.0.1:9", "--size", "160x90", code=2)
    assert time.monotonic() - started < 30
    assert "cannot reach the Ray cluster at 127.0.0.1:9" in result.stderr
    assert "ray start --head" in result.stderr


def test_an_unknown_executor_is_named(tmp_path):
    result = cli("render", example_copy(tmp_path), "--executor", "rya", code=2)
    assert "unknown executor `rya`" in result.stderr and "local, ray" in result.stderr


def test_the_rest_of_longcut_never_imports_ray():
    code = ("import sys, longcut.engine.cli, longcut.engine.render, longcut.engine.render.executors, "
            "longcut.engine.app.project; assert 'ray' not in sys.modules, 'ray was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_ray_workers_share_takes_through_object_storage(cluster, tmp_path, in_process):
    # Each worker keeps its own mirror and uploads what it makes; a child on another worker fetches its parent.
    from longcut.engine.render.executors.ray import _mirror_folder

    film, url = example_copy(tmp_path), f"file://{tmp_path / 'bucket'}"
    project = Project.open(film, url)
    result = render(project.plan(size=SIZE), project.store, project.lock,
                    executor=create_executor(ExecutorOptions("ray", workers=2)))
    try:
        assert sorted(result.rendered) == sorted(in_process)
        records = [json.loads(path.read_text()) for path in (tmp_path / "bucket").glob("takes/*/*/take.json")]
        uploaded = {record["shot"]: record for record in records if record.get("kind") != "keyframe"}
        assert sum(record.get("kind") == "keyframe" for record in records) == 5  # drawn first, by the driver
        assert {shot: (r["key"], r["frames_sha256"], r["files"]["clip.mp4"]["sha256"])
                for shot, r in uploaded.items()} == in_process
        # the driver's store fetches them for the cut: nothing is left to render
        assert all(planned.cached for planned in Project.open(film, url).plan(size=SIZE).shots.values())
    finally:
        shutil.rmtree(_mirror_folder(url), ignore_errors=True)


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def _kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_a_lost_head_ends_the_render_in_seconds_with_a_hint(tmp_path, tmp_path_factory):
    """The cluster's head dies mid-render: the driver says so within seconds and exits (Ray's own driver spun at
    full CPU for a minute), every finished take is kept, and the next render sweeps what was left and finishes."""
    temp = str(tmp_path_factory.mktemp("h"))  # its own, short: only this cluster's processes mention it
    port = 6300 + os.getpid() % 600
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_TMPDIR": temp}
    ray_cli = Path(sys.executable).with_name("ray")
    subprocess.run([str(ray_cli), "start", "--head", f"--port={port}", "--num-cpus=2", "--disable-usage-stats",
                    "--include-dashboard=false"], env=env, check=True, capture_output=True, timeout=120)
    film = example_copy(tmp_path)
    render = None
    try:
        render = subprocess.Popen([sys.executable, "-m", "longcut.engine.cli", "render", str(film), "--executor", "ray",
                                   "--address", f"127.0.0.1:{port}", "--size", "320x180"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        scratch = film.parent / ".longcut" / "tmp"
        deadline = time.monotonic() + 120
        def a_worker_writes() -> bool:  # a take folder of another process than the driver (which draws keyframes)
            return scratch.is_dir() and any(entry.name.split(".")[1:2] != [str(render.pid)]
                                            for entry in scratch.iterdir())

        while not a_worker_writes() and render.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        _kill_all(_processes_mentioning(temp))  # the head: its GCS, raylet and helpers
        killed = time.monotonic()
        out, err = render.communicate(timeout=60)
        took = time.monotonic() - killed
    finally:
        if render is not None and render.poll() is None:
            render.kill()
        _kill_all(_processes_mentioning(temp))
    assert render.returncode == 1, out + err
    assert took < 20, took
    assert "lost the Ray cluster: its head at" in err and "start the cluster's head again" in err
    assert "Traceback" not in err
    kept = Project.open(film).store
    result = cli("render", film, "--size", "320x180")  # here, without the cluster: what is left is swept
    assert "rendered" in result.output
    assert not list(kept.scratch.iterdir())
