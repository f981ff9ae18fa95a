"""Making the takes: the render plan (cache keys), the executors that carry it out, one take at a time into the
verified take store, and the lock file of the takes the cut uses.

    plan.py       RenderPlan: a key per shot, what is cached, the order
    run.py        render(): every missing take, by an executor, then the lock file
    executors/    in this process, or across a Ray cluster
    take.py       one shot's frames from its backend into the encoder and the store
    segments.py   long shots made in segments with blended seams
    store.py      the take store (local, shared or object storage), verified before use
    lock.py       film.lock.json: the take of each shot, and an editor's Edit
"""

from .run import RenderResult, render

__all__ = ["RenderResult", "render"]
