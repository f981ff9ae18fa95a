"""The picture of the cut as pieces: stretches of the takes joined as they are, and the few frames that must be
re-encoded.

Takes are encoded for editing (same codec settings, no B-frames, a keyframe every half second), so:

* a clip's untouched middle is a copy: a stretch of its take, from its first keyframe after the incoming
  transition up to where the outgoing one begins (it may end on any frame: without B-frames nothing after it
  is needed). Copies are not written anywhere: the join reads them from the take;
* a junction re-encodes only the transition and the frames up to the next shot's first keyframe;
* title and credit cards are drawn and encoded once;
* a draft's captions (engine.editor.captions) are drawn over the finished picture, so a piece that shows them is
  re-encoded with them (a copy then becomes a file of its own): cached like the rest, a re-cut after one shot
  changed draws and encodes only that shot's pieces again.

Junctions and cards are cached under a key of everything they are made from, so after one shot changes only
the pieces that touch it are made again. Everything counts frames, never seconds: a stream copy cut by time
keeps extra frames and drifts the sound.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

import ffmpeg as ffmpeg_python

from longcut.storyboard.schema import Choice, TransitionType

from ..atomic import atomic_path
from ..errors import StepFailed
from ..media.ffmpeg import (ENCODING, Encoder, Stretch, encoder_output_options, ffmpeg_args, gop_frames, rate_text,
                      raw_frames, run)
from ..media.text import card_frames
from .captions import CaptionSpan, FilmCaptions
from .timeline import Card, Clip, Timeline, TransitionIn

PIECE_VERSION = "longcut-piece-v3"  # v2: cards faded by Pillow; v3: junctions encoded on one thread
CAPTIONS_VERSION = 1  # the captions' drawing (engine.editor.captions): in the key of every piece that shows them
XFADE = {TransitionType.CROSSFADE: "fade", TransitionType.FADE_BLACK: "fadeblack", TransitionType.FADE_WHITE: "fadewhite"}


@dataclass(frozen=True)
class Span(Stretch):
    """A stretch of a take, with the take's cache key (what a piece's key is made of)."""

    key: str


def _span(clip: Clip, first: int, frames: int) -> Span:
    return Span(clip.path, first, frames, clip.key)


class PieceKind(Choice):
    COPY = "copy"  # read from the take as it is
    JUNCTION = "junction"  # a transition (or a trim off a keyframe), re-encoded and cached
    CARD = "card"  # a title or credits card, drawn, encoded and cached


@dataclass(frozen=True)
class Piece:
    kind: PieceKind
    frames: int
    span: Span | None = None  # copy: the stretch; junction: the incoming clip's head
    tail: Span | None = None  # junction: the outgoing clip's tail (None for a fade in from black)
    transition: TransitionIn | None = None
    card: Card | None = None
    captions: tuple[CaptionSpan, ...] = ()  # drawn over it, in its own frames

    @property
    def encoded(self) -> bool:
        """Made into a file of its own (a junction, a card, or a copy with captions over it), not read from its
        take as it is (a copy)."""
        return self.kind is not PieceKind.COPY or bool(self.captions)

    def cache_key(self, timeline: Timeline) -> str:
        spec = {"version": PIECE_VERSION, "encoding": ENCODING, "kind": self.kind, "frames": self.frames,
                "fps": rate_text(timeline.fps), "size": [timeline.width, timeline.height],
                "span": _span_spec(self.span), "tail": _span_spec(self.tail),
                "transition": asdict(self.transition) if self.transition else None,
                "card": [self.card.kind, self.card.frames, self.card.lines] if self.card else None}
        if self.captions:  # absent otherwise: the keys of pieces without captions are as they were
            spec["captions"] = [CAPTIONS_VERSION, *(asdict(span) for span in self.captions)]
        return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()


def _span_spec(span: Span | None) -> list | None:
    return [span.key, span.first, span.frames] if span else None


def plan_pieces(timeline: Timeline, captions: list[CaptionSpan] | None = None) -> list[Piece]:
    """The pieces the picture is joined from, in order; with the captions (spans of the cut's frames) that fall
    on each, in its own frames."""
    pieces = _plan_pieces(timeline)
    if not captions:
        return pieces
    placed, start = [], 0
    for piece in pieces:
        end = start + piece.frames
        shown = tuple(CaptionSpan(max(span.start, start), min(span.end, end), span.record_in, span.caption).moved(start)
                      for span in captions if span.start < end and span.end > start)
        placed.append(dataclasses.replace(piece, captions=shown) if shown else piece)
        start = end
    return placed


def _plan_pieces(timeline: Timeline) -> list[Piece]:
    gop = gop_frames(timeline.fps)
    pieces: list[Piece] = []
    items = timeline.items
    clips = [item for item in items if isinstance(item, Clip)]
    outgoing = {clip.shot_id: (clips[i + 1].transition.frames if i + 1 < len(clips) else 0)
                for i, clip in enumerate(clips)}
    previous: Clip | None = None
    for item in items:
        if isinstance(item, Card):
            pieces.append(Piece(PieceKind.CARD, item.frames, card=item))
            continue
        clip = item
        start = clip.source_in  # the take's first frame in the cut
        body_end = start + clip.frames - outgoing[clip.shot_id]  # in take frames: where the next transition takes over
        entering = clip.transition
        overlap = entering.frames if previous is not None else 0
        fades_in = previous is None and entering.type in (TransitionType.FADE_BLACK, TransitionType.FADE_WHITE) and entering.frames > 0
        if overlap or fades_in or start % gop:
            # re-encode the transition (or a trim off a keyframe), then on to the next keyframe within the body
            first_key = -(-(start + entering.frames) // gop) * gop
            head_end = min(max(first_key, start + entering.frames), body_end)
            tail = None
            if overlap:
                assert previous is not None
                tail = _span(previous, previous.source_in + previous.frames - overlap, overlap)
            shown = entering if (overlap or fades_in) else TransitionIn()
            pieces.append(Piece(PieceKind.JUNCTION, head_end - start, _span(clip, start, head_end - start), tail, shown))
            copy_from = head_end
        else:
            copy_from = start
        if copy_from < body_end:
            pieces.append(Piece(PieceKind.COPY, body_end - copy_from, _span(clip, copy_from, body_end - copy_from)))
        previous = clip
    return pieces


# The pieces run beside the soundtrack, which is one long chain (mix, measure, encode) and so the critical
# path of a full cut: the pieces' encoders yield to it and fill the cores around it.
PIECES_NICENESS = 10
# A junction is a dozen frames, and a few are made side by side to fill the cores: one thread for each of its
# decoders and its encoder spends less CPU than frame threads would, and makes its bits the same on every
# machine (x264's output depends on its thread count, which by default follows the number of cores).
PIECE_THREADS = 1
ENCODER_BYTES_PER_PIXEL = 112  # x264 veryfast's resident memory, measured: about 233 MB at 1080p
# a captioned stretch: its decoder, the frames in longcut's hands and its encoder, measured: about 250 MB at 720p
CAPTIONED_BYTES_PER_PIXEL = 270
ENCODERS_MEMORY = 300_000_000  # what the pieces' encoders may take together


def parallel_encoders(pixels: int, captioned: bool = False) -> int:
    """How many pieces to make at once: as many as the cores allow and the memory budget holds (1 at 1080p; with
    captions drawn over whole stretches, 1 from 720p: two at once took the short example's cut at 720p from 470 MB
    to 720 MB, for 15% less time)."""
    cost = CAPTIONED_BYTES_PER_PIXEL if captioned else ENCODER_BYTES_PER_PIXEL
    by_memory = ENCODERS_MEMORY // (cost * max(1, pixels))
    return int(max(1, min(4, os.cpu_count() or 2, by_memory)))


def piece_path(store_root: Path, key: str) -> Path:
    return store_root / "pieces" / key[:2] / f"{key}.mp4"


def piece_paths(store_root: Path, pieces: list[Piece], keys: list[str]) -> list[Path | None]:
    """Where each piece's file is kept, by its key (None: a copy, shown from its take)."""
    return [piece_path(store_root, key) if piece.encoded else None for piece, key in zip(pieces, keys)]


def pieces_to_make(pieces: list[Piece], paths: list[Path | None]) -> list[tuple[Path, Piece]]:
    """The pieces whose files are not in the cache, each once (pieces alike share a file)."""
    return list({path: piece for piece, path in zip(pieces, paths) if path and not path.is_file()}.items())


def make_pieces(timeline: Timeline, store_root: Path, pieces: list[Piece] | None = None,
                workers: int | None = None,
                on_made: Callable[[int, int], None] | None = None) -> list[tuple[Piece, Stretch, bool]]:
    """(piece, the stretch of a file that shows it, made_now) for every piece in order (all of the timeline's
    unless given): a copy is a stretch of its take; junctions and cards are files in the cache, the missing
    ones made a few at a time. on_made(done, total): after each missing piece is made.

    Each is its own small ffmpeg process, mostly start-up and one GOP of encoding: running a few side by side
    keeps the cores busy.
    """
    pieces = plan_pieces(timeline) if pieces is None else pieces
    paths = piece_paths(store_root, pieces, [piece.cache_key(timeline) for piece in pieces])
    missing = pieces_to_make(pieces, paths)

    def make(job: tuple[Path, Piece]) -> None:
        path, piece = job
        with atomic_path(path) as temporary:
            _make(piece, timeline, temporary)

    captioned = any(piece.captions for _, piece in missing)
    with ThreadPoolExecutor(max_workers=workers or parallel_encoders(timeline.width * timeline.height, captioned)) \
            as pool:
        for done, _ in enumerate(pool.map(make, missing), start=1):  # re-raises the first failure
            if on_made is not None:
                on_made(done, len(missing))
    made = {path for path, _ in missing}
    return [(piece, _stretch(piece, path), path in made) for piece, path in zip(pieces, paths)]


def _stretch(piece: Piece, path: Path | None) -> Stretch:
    if not piece.encoded:  # a copy: its span of the take
        assert piece.span is not None
        return piece.span
    return Stretch(path, 0, piece.frames)


def _make(piece: Piece, timeline: Timeline, target: Path) -> None:
    if piece.kind is PieceKind.CARD:
        assert piece.card is not None
        with Encoder(target, timeline.width, timeline.height, timeline.fps) as encoder:
            for frame in card_frames(piece.card.lines, piece.card.frames, timeline.width, timeline.height,
                                     timeline.fps):
                encoder.write(frame)
    elif piece.captions:
        _captioned(piece, timeline, target)
    else:
        video = _picture(piece, timeline.fps)
        stream = ffmpeg_python.output(video, str(target), vframes=piece.frames,
                                      **encoder_output_options(timeline.fps, threads=PIECE_THREADS))
        run(ffmpeg_args(stream, overwrite=True), _what(piece),
            hint="a transition needs both clips; render the film again if a take is missing", niceness=PIECES_NICENESS)


def _captioned(piece: Piece, timeline: Timeline, target: Path) -> None:
    """The piece's picture decoded, its captions drawn over it, encoded (one thread, like every piece)."""
    width, height = timeline.width, timeline.height
    video = _picture(piece, timeline.fps).filter("format", "rgb24")
    stream = ffmpeg_python.output(video, "pipe:", format="rawvideo", pix_fmt="rgb24", vframes=piece.frames)
    drawer = FilmCaptions(piece.captions, width, height)
    index = 0
    with closing(raw_frames(ffmpeg_args(stream), width, height)) as frames, \
            Encoder(target, width, height, timeline.fps, threads=PIECE_THREADS) as encoder:
        for frame in frames:
            encoder.write(drawer.apply(frame, index))
            index += 1
    if index != piece.frames:
        raise StepFailed(f"{_what(piece)} gave {index} frames, expected {piece.frames}",
                         hint="render the film again if a take is missing or damaged")


def _what(piece: Piece) -> str:
    if piece.kind is PieceKind.COPY:
        return f"draw the captions over {piece.frames} frames of a take"
    assert piece.transition is not None
    return f"make a {piece.transition.type} of {piece.transition.frames} frames"


def _seek(fps: Fraction, frame: int) -> dict:
    """Input options that start decoding at exactly `frame` (half a frame early: the next frame is the one)."""
    if frame == 0:
        return {}
    return {"ss": f"{float((Fraction(frame) - Fraction(1, 2)) / fps):.6f}"}


def _normalised(span: Span, fps: Fraction):
    """A span's frames with one timebase, rate and pixel format, as xfade needs."""
    stream = ffmpeg_python.input(str(span.path), threads=PIECE_THREADS, **_seek(fps, span.first)).video
    return (stream.trim(start_frame=0, end_frame=span.frames).setpts("PTS-STARTPTS")
            .filter("settb", "AVTB").filter("fps", rate_text(fps)).filter("format", "yuv420p").filter("setsar", 1))


def _picture(piece: Piece, fps: Fraction):
    """The piece's frames as an ffmpeg stream: a stretch of its take, or the transition (a junction)."""
    assert piece.span is not None
    if piece.kind is PieceKind.COPY:
        return _normalised(piece.span, fps)
    transition = piece.transition
    assert transition is not None
    head = _normalised(piece.span, fps)
    frames = transition.frames
    seconds = float(Fraction(frames) / fps)
    if piece.tail is None and frames == 0:  # a trim that starts between keyframes: the frames as they are
        video = head
    elif piece.tail is None:  # the film's first shot fades in from black (or white)
        video = head.filter("fade", type="in", start_frame=0, nb_frames=frames, color=transition.color)
    else:
        tail = _normalised(piece.tail, fps)
        if transition.type is TransitionType.DIP:
            half = frames // 2
            out = tail.trim(start_frame=0, end_frame=half).setpts("PTS-STARTPTS").filter(
                "fade", type="out", start_frame=0, nb_frames=max(1, half), color=transition.color)
            into = head.trim(start_frame=half).setpts("PTS-STARTPTS").filter(
                "fade", type="in", start_frame=0, nb_frames=max(1, frames - half), color=transition.color)
            video = ffmpeg_python.concat(out, into, v=1, a=0)
        else:
            kind = XFADE.get(transition.type) or f"wipe{transition.direction}"
            video = ffmpeg_python.filter([tail, head], "xfade", transition=kind, duration=f"{seconds:.6f}", offset=0)
    return video
