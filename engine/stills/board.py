"""The storyboard: every shot's keyframes on one sheet, before any video is spent (`longcut board FILM`).

    film.board.png       a row of shots per scene under its heading: each shot's keyframe (and its last one, where
                         it has one), id, length, framing and first line of dialogue; a shot that continues another
                         shows what it starts on (its take's first frame, or the shot before's last frame, or, before
                         anything is rendered, the keyframe its chain starts on, marked), a title card its text,
                         footage its file
    film.keyframes/      the keyframes as files: SHOT.png, SHOT.last.png (replaced whole on each board)

The sheet and the folder are written from the store's keyframes; a board whose keyframes are all made and whose
sheet is as it was written for them does nothing.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from longcut.continuity import FIRST, LAST

from ..atomic import atomic_path
from ..media.text import draw_text, font, truncate
from ..outputs import owned_folder, replaced_folder
from ..render.plan import PlannedShot, RenderPlan
from ..store import KEYFRAME, TakeStore

THUMB_W = 240
COLUMNS = 6  # shots a row; a longer scene wraps
PAD = 10
HEADING_H = 30
LABEL_H = 58
MARKER = ".longcut-keyframes"
BACKGROUND, CELL, INK, DIM, ACCENT = (22, 24, 28), (40, 43, 50), (238, 238, 236), (160, 164, 170), (214, 180, 110)


@dataclass(frozen=True)
class BoardPaths:
    sheet: Path
    keyframes: Path  # the folder of keyframe files


def board_paths(film: Path) -> BoardPaths:
    return BoardPaths(film.with_name(film.stem + ".board.png"), film.with_name(film.stem + ".keyframes"))


def check_board_paths(paths: BoardPaths, inputs: dict[Path, str]) -> BoardPaths:
    from ..outputs import output_path

    output_path(paths.sheet, inputs, "the board")
    owned_folder(paths.keyframes, inputs, MARKER, "the keyframes folder")
    return paths


def board_keys(plan: RenderPlan, store: TakeStore | None = None) -> list[str]:
    """What the board is drawn from: every keyframe's key, in the film's order (and the shots' ids, which it
    shows), and, with the store, the picture each shot without a keyframe starts on (a take rendered since
    redraws the board)."""
    keys = [f"{shot}:{keyframe.key}" for shot, planned in plan.shots.items() for keyframe in planned.keyframes]
    if store is not None:
        keys += _start_keys(start_pictures(plan, store))
    return keys


def _start_keys(starts: dict[str, tuple[str, Path, str]]) -> list[str]:
    return [f"{shot}:starts:{key}" for shot, (key, _, _) in starts.items()]


def start_pictures(plan: RenderPlan, store: TakeStore) -> dict[str, tuple[str, Path, str]]:
    """What each shot with no first keyframe of its own starts on (start_picture), by shot."""
    return {shot: found for shot, planned in plan.shots.items()
            if (found := start_picture(plan, store, planned)) is not None}


def start_picture(plan: RenderPlan, store: TakeStore, planned: PlannedShot) -> tuple[str, Path, str] | None:
    """What a shot with no first keyframe of its own starts on, as a picture: (what it is keyed by, the file, a
    label). Its take's first frame where it is rendered; else, for a shot that continues another, that shot's
    last frame (its take's, or its last keyframe), or, before anything is rendered, the keyframe its chain
    starts on, marked as such. None for title cards, footage and shots with a keyframe of their own."""
    if planned.keyframe_key(FIRST) or planned.request.card is not None or planned.request.footage is not None:
        return None
    if planned.cached and store.has(planned.key):
        return f"take:{planned.key}", store.folder(planned.key) / "first.png", "its take"
    parent = plan.shots.get(planned.parent) if planned.parent else None
    if parent is None:
        return None
    if parent.cached and store.has(parent.key):
        return f"take:{parent.key}:last", store.folder(parent.key) / "last.png", f"{parent.shot_id}'s last frame"
    last = parent.keyframe_key(LAST)
    if last and store.has(last):
        return f"keyframe:{last}", store.folder(last) / KEYFRAME, f"{parent.shot_id}'s last keyframe"
    ancestor = parent
    while ancestor is not None and not ancestor.keyframe_key(FIRST):
        ancestor = plan.shots.get(ancestor.parent) if ancestor.parent else None
    if ancestor is not None and store.has(ancestor.keyframe_key(FIRST)):
        key = ancestor.keyframe_key(FIRST)
        return f"keyframe:{key}", store.folder(key) / KEYFRAME, f"{ancestor.shot_id}'s keyframe, until rendered"
    return None


def board_is_current(plan: RenderPlan, store: TakeStore, paths: BoardPaths) -> bool:
    """Whether the sheet was written from exactly these keyframes and is untouched, and every keyframe file is there."""
    files = [paths.keyframes / name for name, _ in _keyframe_files(plan)]
    return (paths.keyframes / MARKER).is_file() and all(path.is_file() for path in files) and \
        store.output_is_current(paths.sheet, board_keys(plan, store))


def _keyframe_files(plan: RenderPlan) -> list[tuple[str, str]]:
    """(file name in the keyframes folder, keyframe key) of every keyframe: SHOT.png, SHOT.last.png."""
    return [(f"{shot}.png" if keyframe.request.position == FIRST else f"{shot}.{keyframe.request.position}.png",
             keyframe.key) for shot, planned in plan.shots.items() for keyframe in planned.keyframes]


def write_board(plan: RenderPlan, store: TakeStore, paths: BoardPaths) -> None:
    """The sheet and the keyframe files, from the store's keyframes (every one must be made)."""
    with replaced_folder(paths.keyframes, MARKER, "written by longcut board; replaced whole by the next one") as work:
        for name, key in _keyframe_files(plan):
            shutil.copyfile(store.folder(key) / KEYFRAME, work / name)
    starts = start_pictures(plan, store)  # once: the sheet shows them, and the note of what it shows names them
    sheet = draw_sheet(plan, store, starts)
    with atomic_path(paths.sheet) as temporary:
        sheet.save(temporary)
    store.note_output(paths.sheet, board_keys(plan) + _start_keys(starts))


def draw_sheet(plan: RenderPlan, store: TakeStore,
               starts: dict[str, tuple[str, Path, str]] | None = None) -> Image.Image:
    first = next(iter(plan.shots.values())).request
    thumb = (THUMB_W, max(1, round(THUMB_W * first.height / first.width)))
    rows = _rows(plan)
    cell_h = thumb[1] + LABEL_H
    width = max(PAD + sum(_cell_width(planned, thumb) + PAD for planned in line)
                for _, lines in rows for line in lines)
    height = PAD + sum(HEADING_H + len(lines) * (cell_h + PAD) for _, lines in rows)
    sheet = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    starts = start_pictures(plan, store) if starts is None else starts
    pictures = {keyframe.key: store.folder(keyframe.key) / KEYFRAME for planned in plan.shots.values()
                for keyframe in planned.keyframes}
    pictures.update({key: path for key, path, _ in starts.values()})
    thumbs = _thumbnails(pictures, thumb)
    y = PAD
    for heading, lines in rows:
        draw_text(draw, (PAD, y + 6), heading, 16, ACCENT, width=width - 2 * PAD)
        y += HEADING_H
        for line in lines:
            x = PAD
            for planned in line:
                x = _cell(sheet, draw, thumbs, planned, (x, y), thumb, starts.get(planned.shot_id)) + PAD
            y += cell_h + PAD
    return sheet


def _rows(plan: RenderPlan) -> list[tuple[str, list[list[PlannedShot]]]]:
    """Each scene's heading and its shots, COLUMNS a line."""
    scenes: dict[str, tuple[str, list[PlannedShot]]] = {}
    for planned in plan.shots.values():
        request = planned.request
        scenes.setdefault(request.scene_id, (request.heading or request.scene_id, []))[1].append(planned)
    return [(heading, [shots[start:start + COLUMNS] for start in range(0, len(shots), COLUMNS)])
            for heading, shots in scenes.values()]


def _thumbnails(pictures: dict[str, Path], size: tuple[int, int]) -> dict[str, Image.Image]:
    """Each picture (by key) read and shrunk to a thumbnail, several at once (Pillow lets go of the GIL to decode
    and resize)."""
    def shrink(item: tuple[str, Path]) -> tuple[str, Image.Image]:
        key, path = item
        with Image.open(path) as image:
            return key, image.convert("RGB").resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)

    with ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
        return dict(pool.map(shrink, pictures.items()))


def _cell(sheet: Image.Image, draw: ImageDraw.ImageDraw, thumbs: dict[str, Image.Image], planned: PlannedShot,
          corner: tuple[int, int], thumb: tuple[int, int], start: tuple[str, Path, str] | None = None) -> int:
    """One shot: its keyframes (or what it starts on) and its labels; returns the x where it ends."""
    x, y = corner
    request = planned.request
    pictures = list(planned.keyframes)
    if start is not None:  # no keyframe of its own: the picture it starts on, marked with where it comes from
        sheet.paste(thumbs[start[0]], (x, y))
        label = truncate(start[2], font(12), thumb[0] - 12)
        draw.rectangle((x, y, x + int(font(12).getlength(label)) + 11, y + 19), fill=BACKGROUND)
        draw_text(draw, (x + 6, y + 3), label, 12, ACCENT)
        x_end = x + thumb[0]
    elif not any(keyframe.request.position == FIRST for keyframe in pictures):
        draw.rectangle((x, y, x + thumb[0] - 1, y + thumb[1] - 1), fill=CELL)
        draw_text(draw, (x + 8, y + 8), _starts_on(planned), 13, DIM, width=thumb[0] - 16)
        x_end = x + thumb[0]
    else:
        x_end = x
    for keyframe in pictures:
        sheet.paste(thumbs[keyframe.key], (x_end, y))
        if keyframe.request.position == LAST:
            draw.line((x_end, y, x_end, y + thumb[1] - 1), fill=BACKGROUND, width=2)
            draw_text(draw, (x_end + 6, y + 4), "last", 12, ACCENT)
        x_end += thumb[0]
    seconds = request.frames / float(request.fps)
    framing = f"{request.camera_size}, {request.camera_move}"
    labels = [(f"{request.shot_id} · {seconds:.1f}s", INK, 14), (framing, DIM, 12)]
    if request.dialogue:
        cue = request.dialogue[0]
        labels.append((f"{cue.speaker}: {cue.line}", DIM, 12))
    line_y = y + thumb[1] + 4
    for text, colour, size in labels:
        draw_text(draw, (x + 2, line_y), text, size, colour, width=x_end - x - 4)
        line_y += size + 5
    return x_end


def _cell_width(planned: PlannedShot, thumb: tuple[int, int]) -> int:
    pictures = len(planned.keyframes) + (0 if planned.keyframe_key(FIRST) else 1)
    return pictures * thumb[0]


def _starts_on(planned: PlannedShot) -> str:
    request = planned.request
    if request.card is not None:
        return f"title card: {request.card}"
    if request.footage is not None:
        return f"footage: {request.footage.path.name}"
    if planned.parent:
        return f"starts on {planned.parent}'s last frame"
    return "no keyframe (the film's keyframes: is off)"
