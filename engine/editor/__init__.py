"""The editor: the takes in the lock file become the film.

1. check every shot has its take, and build the Timeline (editorial order, transitions, cues, in frames);
2. make the picture's pieces (re-encoded junctions, title cards; each cached) and, beside them, the
   soundtrack (the score and the shots' sound, mixed and normalised; cached);
3. list the pieces and the stretches of takes between them for the concat demuxer;
4. deliver: the joined picture and the sound into one MP4 with provenance tags, without re-encoding
   (unless another size or burned-in subtitles ask for it), and the subtitles beside it.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..ffmpeg import CONCAT_SUFFIX, write_concat_listing
from ..plan import ReferenceDigests, RenderPlan
from ..store import TakeStore
from .audio import audio_key, make_soundtrack
from .deliver import Delivery, deliver
from .pieces import make_pieces, plan_pieces
from .provenance import sign
from .subtitles import write_subtitles
from .timeline import Timeline, build_timeline

DEFAULT_LOUDNESS = -14.0


@dataclass(frozen=True)
class CutOptions:
    output: Path
    titles: bool = True
    loudness: float = DEFAULT_LOUDNESS
    delivery: Delivery = field(default_factory=Delivery)
    subtitles: bool = True
    sign: tuple[Path, Path] | None = None  # certificate chain and private key (PEM) for a C2PA manifest


@dataclass
class CutResult:
    output: Path
    timeline: Timeline
    pieces_made: int = 0
    pieces_reused: int = 0
    audio_made: bool = False
    subtitle_files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    up_to_date: bool = False


def cut(plan: RenderPlan, store: TakeStore, options: CutOptions) -> CutResult:
    started = time.perf_counter()
    store.sweep()  # what a killed cut left in the store
    plan.require_takes()
    timeline = build_timeline(plan, store, titles=options.titles)
    result = CutResult(options.output, timeline)
    # Everything the output is made of; when none of it changed and the file is as we left it, we are done.
    pieces = plan_pieces(timeline)
    piece_keys = [piece.cache_key(timeline) for piece in pieces]
    inputs = piece_keys + [audio_key(timeline, options.loudness, ReferenceDigests()), repr(options.delivery),
                           str(options.subtitles), _signing_token(options)]
    encoded = sum(piece.encoded for piece in pieces)  # the pieces with files of their own
    if store.output_is_current(options.output, inputs) and _subtitles_present(timeline, options):
        result.up_to_date = True
        result.pieces_reused = encoded
        result.seconds = time.perf_counter() - started
        return result
    # The sound does not depend on the picture: make it while the pieces are made.
    with ThreadPoolExecutor(max_workers=1) as sound:
        soundtrack_job = sound.submit(make_soundtrack, timeline, options.loudness, store.root)
        made = make_pieces(timeline, store.root, pieces)
        soundtrack, result.audio_made = soundtrack_job.result()
    result.pieces_made = sum(fresh for _, _, fresh in made)
    result.pieces_reused = encoded - result.pieces_made
    with store.scratch_folder("cut") as folder:
        picture = folder / f"picture{CONCAT_SUFFIX}"
        write_concat_listing([stretch for _, stretch, _ in made], timeline.fps, picture)
        if options.sign:  # signed last (a remux after it would drop the manifest); only a signed film appears
            unsigned = folder / "unsigned.mp4"
            deliver(timeline, picture, soundtrack, unsigned, options.delivery, folder)
            sign(unsigned, options.output, timeline, *options.sign)
        else:
            deliver(timeline, picture, soundtrack, options.output, options.delivery, folder)
    if options.subtitles and timeline.subtitles:
        result.subtitle_files = write_subtitles(timeline, options.output)
    store.note_output(options.output, inputs)
    result.seconds = time.perf_counter() - started
    return result


def _signing_token(options: CutOptions) -> str:
    if not options.sign:
        return "unsigned"
    digests = ReferenceDigests()
    return "signed:" + ",".join(digests.of(path) for path in options.sign)


def _subtitles_present(timeline: Timeline, options: CutOptions) -> bool:
    if not (options.subtitles and timeline.subtitles):
        return True
    return all(options.output.with_suffix(suffix).is_file() for suffix in (".srt", ".vtt"))
