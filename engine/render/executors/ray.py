"""Render across a Ray cluster: one long-lived worker per GPU (or CPU) keeps its backend loaded, and
the driver walks the shot graph, giving a shot to an idle worker once the shot it starts on is done.

Why Ray Core and actors, not Ray Data or tasks: a shot waits for its parent, which map_batches
cannot say, and a model should load once per GPU, not once per shot. Why one shot in flight per
worker: an actor runs its calls in order, so a queue behind a long shot would hold back shots
another worker could start now.

Workers return take records, never video: the take is in the shared store, and a child reads its
parent's last frame from there. A worker killed mid-shot is restarted and the shot retried
(max_restarts, max_task_retries); that is harmless because a take is keyed by its inputs and moved
into the store whole, once (engine.store). What is shared: the take store's folder and the film's
folder (reference images), at the same paths on every machine, and longcut installed on each.
"""

from __future__ import annotations

import os
import socket
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...backends import BackendRecipe, backend_recipe
from ...errors import LongcutError
from ...store import TakeRecord, TakeStore, machine_folder
from ..plan import PlannedShot, RenderPlan
from ..take import Progress, WorkerInfo, make_take
from . import ExecutorOptions

INSTALL_HINT = "install it with: pip install 'longcut[ray]' (on the driver and on every machine of the cluster)"
CONNECT_SECONDS = 5.0
# While shots are in flight, the head is asked after every this many seconds of quiet; it is lost when it does not
# answer this many times in a row (Ray's own driver would retry for a minute, at full CPU).
HEAD_CHECK_SECONDS = 2.0
HEAD_MISSES = 2


def _ray():
    try:
        import ray
    except ImportError:
        raise LongcutError("the ray executor needs Ray, which is not installed", hint=INSTALL_HINT) from None
    return ray


class ShotWorker:
    """Lives in a Ray worker process for the whole render: builds the backend once, then makes shot after shot."""

    def __init__(self, recipe: BackendRecipe, store_root: str, remote: str | None, cpu_only: bool) -> None:
        self.core = _hold_one_core() if cpu_only else None
        self.backend = recipe.build()
        if remote:  # takes go to object storage; this machine keeps its own mirror of those it reads or makes
            store_root = str(_mirror_folder(remote))
        self.store = TakeStore(Path(store_root), remote)

    def describe(self) -> dict[str, str]:
        return {"host": socket.gethostname(), "pid": str(os.getpid()), "device": _device_name()}

    def render(self, planned: PlannedShot) -> TakeRecord:
        if self.store.has(planned.key):  # a retried shot whose take landed before its worker died
            return self.store.record(planned.key)
        return make_take(planned, self.backend, self.store, Progress())


def _mirror_folder(remote: str) -> Path:
    import hashlib

    return machine_folder("takes") / hashlib.sha256(remote.encode()).hexdigest()[:16]


def _hold_one_core():
    """Pin a CPU worker, and the encoder it starts, to a core no other longcut worker on this machine holds.

    Ray reserves one CPU for the worker but does not enforce it: unpinned, each worker's drawing and
    its encoder spread over every core, so N workers on N cores crowd each other instead of adding
    up. The core is claimed with a lock file held while the process lives (a killed worker's lock
    goes with it). Returns the open lock file, or None where no core is free or pinning is not
    available: the worker then runs unpinned.
    """
    import fcntl

    if not hasattr(os, "sched_setaffinity"):
        return None
    for core in sorted(os.sched_getaffinity(0)):
        handle = open(machine_folder("cores") / f"core-{core}.lock", "w")  # noqa: SIM115 - held
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        for thread in os.listdir("/proc/self/task"):  # every thread Ray started, and those started later
            try:
                os.sched_setaffinity(int(thread), {core})
            except OSError:
                pass
        return handle
    return None


def _device_name() -> str:
    import ray

    gpus = ray.get_runtime_context().get_accelerator_ids().get("GPU") or []
    if not gpus:
        return "CPU"
    try:
        import torch

        if torch.cuda.is_available():
            return torch.cuda.get_device_name(0)  # Ray narrowed CUDA_VISIBLE_DEVICES to this worker's GPU
    except ImportError:
        pass
    return f"GPU {','.join(map(str, gpus))}"


@dataclass
class _Worker:
    name: str
    actor: Any


class RayExecutor:
    name = "ray"

    def __init__(self, options: ExecutorOptions) -> None:
        self.options = options

    def run(self, plan: RenderPlan, store: TakeStore, shots: list[PlannedShot],
            progress: Progress) -> Iterator[TakeRecord]:
        if not shots:
            return
        ray = _ray()
        started_here = self._connect(ray)
        workers: list[_Worker] = []
        head_lost = False
        try:
            workers = self._start_workers(ray, plan, store, len(shots), progress)
            yield from self._walk(ray, workers, shots, progress)
        except HeadLost as lost:
            head_lost = True
            raise LongcutError(str(lost), hint="every finished take is kept; start the cluster's head again "
                               "(`ray start --head`) and render again", exit_code=1) from None
        finally:
            if not head_lost:  # with no head, killing an actor waits on it forever: the workers go with the cluster
                for worker in workers:
                    ray.kill(worker.actor, no_restart=True)
            if started_here or head_lost:
                ray.shutdown()

    # 1. reach the cluster (or start Ray here) ------------------------------------------------------

    def _connect(self, ray) -> bool:
        """Connect to the cluster; returns whether Ray was started here (and so is shut down after)."""
        address = self.options.address
        if address is not None and address not in ("auto", "local") and not address.startswith("ray://"):
            _check_reachable(address)  # even where Ray is up already: the address given must be a cluster
        if ray.is_initialized():  # a program (or a test) that set Ray up itself
            return False
        quiet = {"log_to_driver": False, "logging_level": "ERROR", "include_dashboard": False}
        if address is None:
            try:
                ray.init(**quiet)  # its sockets and logs go under RAY_TMPDIR
            except (OSError, RuntimeError) as error:
                raise LongcutError(f"could not start Ray on this machine: {error}",
                                   hint="Ray keeps sockets under RAY_TMPDIR (default /tmp/ray): give it a short, "
                                        "writable path, or connect to a running cluster with --address") from None
            return True
        try:
            ray.init(address=address, **quiet)
        except ConnectionError as error:
            raise LongcutError(f"cannot reach a Ray cluster at `{address}`: {error}",
                               hint="start one with `ray start --head` on the head machine (and `ray start "
                                    "--address HEAD:6379` on the others), or leave out --address to start Ray "
                                    "on this machine") from None
        return True

    # 2. one worker per GPU (or CPU), each loading the backend once ----------------------------------

    def _start_workers(self, ray, plan: RenderPlan, store: TakeStore, shots: int,
                       progress: Progress) -> list[_Worker]:
        gpus = self.options.gpus_per_worker
        if gpus is None:
            gpus = 1.0 if plan.backend.wants_gpu else 0.0
        count = min(self._fitting_workers(ray, plan, gpus), self.options.workers or shots, shots)
        worker_class = ray.remote(ShotWorker).options(
            num_cpus=1, num_gpus=gpus, max_restarts=-1, max_task_retries=-1)
        recipe = backend_recipe(plan.screenplay)
        root, remote = str(store.root.resolve()), store.remote.url if store.remote else None
        workers = [_Worker(f"worker {number}", worker_class.remote(recipe, root, remote, gpus == 0))
                   for number in range(1, count + 1)]
        try:
            described = ray.get([worker.actor.describe.remote() for worker in workers])
        except ray.exceptions.RayError as error:
            for worker in workers:
                ray.kill(worker.actor, no_restart=True)
            raise _worker_failure(error, "starting the backend on a Ray worker") from None
        progress.workers_ready([WorkerInfo(worker.name, info["host"], info["device"])
                                for worker, info in zip(workers, described)])
        return workers

    def _fitting_workers(self, ray, plan: RenderPlan, gpus: float) -> int:
        resources = ray.cluster_resources()
        cpus, gpus_there = resources.get("CPU", 0.0), resources.get("GPU", 0.0)
        fit = int(cpus) if gpus == 0 else min(int(cpus), int(gpus_there // gpus))
        if fit < 1:
            what = f"{gpus:g} GPU and 1 CPU" if gpus else "1 CPU"
            raise LongcutError(
                f"the Ray cluster has no room for a worker of backend `{plan.backend.name}`: each needs {what}, "
                f"the cluster has {cpus:g} CPU and {gpus_there:g} GPU",
                hint="add GPU machines to the cluster (`ray start --address HEAD:6379 --num-gpus N` on each), "
                     "or set the film's `executor: {gpus_per_worker: 0}` to run on CPUs")
        return fit

    # 3. walk the shot graph: a shot goes to an idle worker once its parent is in the store ---------

    def _walk(self, ray, workers: list[_Worker], shots: list[PlannedShot], progress: Progress) -> Iterator[TakeRecord]:
        todo = {planned.shot_id for planned in shots}
        children: dict[str, list[PlannedShot]] = {}
        ready: deque[PlannedShot] = deque()
        for planned in shots:  # dependency order, so ready shots start in the order a single machine takes them
            if planned.parent in todo:
                children.setdefault(planned.parent, []).append(planned)
            else:
                ready.append(planned)
        idle = list(workers)
        in_flight: dict[Any, tuple[_Worker, PlannedShot]] = {}
        while ready or in_flight:
            while idle and ready:
                worker, planned = idle.pop(0), ready.popleft()
                in_flight[worker.actor.render.remote(planned)] = (worker, planned)
                progress.shot_started(planned, worker.name)
            done = self._next_done(ray, list(in_flight))
            worker, planned = in_flight.pop(done)
            try:
                record = ray.get(done)
            except ray.exceptions.RayTaskError as error:  # the backend or the encoder failed: stop, as locally
                raise _worker_failure(error, f"shot `{planned.shot_id}` on {worker.name}") from None
            except ray.exceptions.RayActorError:  # the worker is gone for good (its machine left): others go on
                workers.remove(worker)
                if not workers:
                    raise LongcutError("every Ray worker died", hint="check the cluster's machines and render again; "
                                       "finished takes are kept") from None
                ready.appendleft(planned)
                continue
            idle.append(worker)
            ready.extend(children.pop(planned.shot_id, []))
            progress.frames_done(planned, record.frames)
            progress.shot_finished(planned, record, worker.name)
            yield record


    def _next_done(self, ray, in_flight: list) -> Any:
        """The next shot to finish; HeadLost when the cluster's head stops answering meanwhile."""
        misses = 0
        while True:
            done, _ = ray.wait(in_flight, num_returns=1, timeout=HEAD_CHECK_SECONDS)
            if done:
                return done[0]
            address = _head_address(ray)
            misses = 0 if address is None or _answers(address) else misses + 1
            if misses >= HEAD_MISSES:
                raise HeadLost(f"lost the Ray cluster: its head at {address} stopped answering while shots were "
                               "being rendered")


class HeadLost(Exception):
    """The cluster's head (its GCS) no longer answers."""


def _head_address(ray) -> str | None:
    try:
        return ray.get_runtime_context().gcs_address
    except Exception:  # noqa: BLE001 - a Ray without it: the head is not watched, as before
        return None


def _answers(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS / 2).close()
    except (OSError, ValueError):
        return False
    return True


def _check_reachable(address: str) -> None:
    """Fail in seconds, not minutes: Ray itself retries an unreachable address for a long time."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise LongcutError(f"`{address}` is not a Ray address", hint="give HOST:PORT (the head's GCS port, 6379 by "
                                                                     "default), `auto`, or ray://HOST:10001")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as error:
        raise LongcutError(f"cannot reach the Ray cluster at {address}: {error}",
                           hint="is the head running (`ray start --head`) and its port open from here?") from None


def _worker_failure(error, what: str) -> LongcutError:
    """The worker's own error (a LongcutError keeps its message and hint), or Ray's, named."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, LongcutError):
        return cause
    if cause is not None:
        return LongcutError(f"{what} failed: {type(cause).__name__}: {cause}", exit_code=1)
    return LongcutError(f"{what} failed: {error}", exit_code=1)
