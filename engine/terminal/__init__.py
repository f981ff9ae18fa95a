"""The terminal: what the command line prints (views of the use cases' results), its progress bars and tables.

    views.py     each use case's result as text and tables (rich), nothing computed here
    tables.py    a table that fits the terminal's width
    progress.py  the render's progress (frames, shots, keyframes, a cluster's workers) and the keyframes' bar
"""

from __future__ import annotations

from rich.console import Console

out = Console(highlight=False)
# soft_wrap: an error's source line and caret must not be re-wrapped to the terminal's width.
err = Console(stderr=True, highlight=False, soft_wrap=True)
