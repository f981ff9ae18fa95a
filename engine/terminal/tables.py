"""A table that fits the terminal: columns left out in a given order, one free-text column cut with …"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from . import out

FLEXIBLE_MIN = 12  # the narrowest a column of free text (a prompt) is shown, cut with …


def fitting_table(headers: list[str], rows: list[list[str | Text]], drop: list[str],
                  flexible: str | None = None, keep_flexible_whole: bool = False) -> Table:
    """A table that fits the terminal: columns in `drop` are left out, in that order, until the rest fit whole;
    the flexible column takes what is left and is cut with … (never a number, a take or a key).
    keep_flexible_whole: columns are dropped until the flexible column fits whole too (what a reviewer said matters
    more than a key)."""
    def width_of(column: int) -> int:
        return max([len(headers[column])] + [Text(row[column]).cell_len if isinstance(row[column], str)
                                             else row[column].cell_len for row in rows])

    shown = list(range(len(headers)))
    for name in [None, *drop]:
        if name is not None:
            shown.remove(headers.index(name))
        fixed = sum(width_of(column) for column in shown if headers[column] != flexible) + 3 * (len(shown) - 1)
        wanted = 0 if flexible not in headers else (
            width_of(headers.index(flexible)) if keep_flexible_whole else FLEXIBLE_MIN)
        if fixed + wanted <= out.width:
            break
    widths = {column: width_of(column) for column in shown}
    if flexible in headers:
        free = headers.index(flexible)
        widths[free] = max(FLEXIBLE_MIN, min(widths[free], out.width - fixed - 1))
    table = Table(show_edge=False, pad_edge=False)
    for column in shown:
        table.add_column(headers[column], no_wrap=True, overflow="ellipsis", width=widths[column])
    for row in rows:
        table.add_row(*[Text(row[column]) if isinstance(row[column], str) else row[column] for column in shown])
    return table
