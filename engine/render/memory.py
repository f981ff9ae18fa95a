"""The process's memory for frames: set once, before a command renders or cuts."""

from __future__ import annotations


def fixed_mmap_threshold() -> None:
    """Keep large frame buffers (1080p and up: 6 MB and more) out of the heap.

    They are freed on the encoder's thread, and glibc's sliding mmap threshold would move them onto the heap, which
    then only grows (measured: 562 MB peak for a one-minute 1080p shot, 458 MB with this). Smaller frames stay on
    the heap: mapping every 720p frame afresh cost a quarter of the render's speed.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-3, 4 << 20)  # M_MMAP_THRESHOLD = 4 MiB
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass


def return_freed_memory() -> None:
    """Give the heap's free pages back to the system. glibc keeps what a process frees for its next allocations,
    so after a phase that allocated much and freed it all, the process stays as large as it was at its peak.
    Called where such a phase ends: the voice model let go before the cut. Without it the long example's render
    (at 640x360) went into its cut 125 MB larger, and peaked at 496 MB instead of 365 MB."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to give back this way
        pass
