"""Python's cycle collector paused while a big structure is built.

Reading a screenplay makes a few objects for every character of YAML (nodes, marks, the data, the source map), and
its shot graph a few for every shot, and nearly none of them is garbage; yet the collector runs a pass every
few hundred allocations, and its older generations pass over every object made so far. Those passes found nothing
and took most of the time: a 10,000-shot film loaded and graphed in 3.6 s with them, 1.6 s without
(bench/load_plan.py). Whatever cycles the building left are collected as usual once the collector is resumed.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    if not gc.isenabled():  # paused by a caller already: theirs to resume
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
