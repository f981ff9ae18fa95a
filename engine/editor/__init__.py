"""The editor: the takes in the lock file become the film, and its Cut (engine.timeline).

1. check every shot has its take, and build the Timeline (editorial order, transitions, cues, in frames), with
   a graded copy of every take that asks for colour matching (made once, cached) and every line of dialogue
   placed (spoken before the cut, by the caller: the editor runs no model);
2. key everything the film is made of: nothing changed and the film is as it was left, and the cut is done;
3. make the picture's pieces (re-encoded junctions, title cards, and a draft's captions drawn over the pieces
   that show them: engine.editor.captions; each cached) and, beside them, the soundtrack (the score and the
   shots' sound, mixed and normalised; cached);
4. deliver: the pieces and the stretches of takes between them (read by the concat demuxer) and the sound
   into one MP4 with provenance tags, without re-encoding (unless another size or burned-in subtitles ask
   for it), its frames counted before it replaces the last film;
5. the caller's finishing (a Finisher: the use case measures continuity and writes the report, and gives the
   report's flags and the review's notes as markers; then what it writes from the Cut, its subtitles); save
   the Cut beside the film last: the Timeline, the media made for it, the markers, and the film's sha256. The
   record is the commit point: a cut killed before it leaves a record that no longer matches the film, which
   every reader refuses ("cut the film again"), never an EDL of another film.

The editor measures nothing and reads no review: what is done with a finished film before it is committed is the
caller's (engine.app.cut), so the data path runs one way.
"""

from __future__ import annotations

import dataclasses
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from longcut.storyboard.files import FileRefused

from ..analysis.grade import grade_clips
from ..media.ffmpeg import CONCAT_SUFFIX, write_concat_listing
from ..render.plan import ReferenceDigests, RenderPlan
from ..store import TakeStore
from ..store.speech import SpokenLines
from ..timeline import Cut, CutSettings, Marker, file_digest
from .audio import audio_key, make_soundtrack, soundtrack_path, stem_paths
from .captions import CaptionText, caption_spans
from .deliver import Delivery, deliver
from .dialogue import place_dialogue
from .pieces import Piece, PieceKind, make_pieces, piece_paths, pieces_to_make, plan_pieces
from .provenance import sign
from .timeline import Timeline, build_timeline

DEFAULT_LOUDNESS = -14.0
NOT_SPOKEN = "the dialogue is silent (subtitles only): its lines were not spoken before the cut"


@dataclass(frozen=True)
class CutOptions:
    output: Path
    titles: bool = True
    loudness: float = DEFAULT_LOUDNESS
    delivery: Delivery = field(default_factory=Delivery)
    sign: tuple[Path, Path] | None = None  # certificate chain and private key (PEM) for a C2PA manifest
    watermark: str | None = None  # `--watermark` as given (the delivery has it resolved with the film's own)
    captions: bool = False  # a draft's captions over the finished picture (engine.editor.captions)

    @property
    def settings(self) -> CutSettings:
        return CutSettings(self.titles, self.loudness, self.delivery.preset, self.delivery.fit,
                           self.delivery.burn_subtitles, self.watermark)


@dataclass
class CutResult:
    cut: Cut
    pieces_made: int = 0
    pieces_reused: int = 0
    audio_made: bool = False
    seconds: float = 0.0
    up_to_date: bool = False
    subtitle_files: list[Path] = field(default_factory=list)
    flagged: int | None = None  # what the continuity report flagged (None: the cut was up to date)
    warnings: list[str] = field(default_factory=list)  # lines spoken past their slot; silent dialogue

    @property
    def output(self) -> Path:
        return self.cut.film

    @property
    def timeline(self) -> Timeline:
        return self.cut.timeline


@dataclass(frozen=True)
class Finished:
    markers: tuple[Marker, ...] = ()  # on the Cut: flags, notes
    flagged: int | None = None  # what a measure of the film flagged


class Finisher:
    """What the caller does with a finished film before its record commits it; by default, nothing."""

    tokens: tuple[str, ...] = ()  # what the finishing depends on: a change makes the film out of date

    def required(self, film: Path) -> list[Path]:
        """The files it leaves beside the film: a film without them is not up to date."""
        return []

    def finish(self, cut: Cut) -> Finished:
        """Runs once the film is in place (a continuity report): the markers for its record."""
        return Finished()

    def beside(self, cut: Cut) -> list[Path]:
        """Writes what goes beside the film from its Cut (the subtitles), also when it was up to date; returns
        those files. Runs before the record that commits them."""
        return []


# The pieces to make are at most this share of the film's frames: made before the sound, not beside it. Beside it
# they win at most their own time, a few seconds where they are few (the two-hour film of bench/feature.py: 11
# junctions, 0.15% of its frames, against minutes of sound), and their encoders (about 85 MB each at 480p, two at
# once) sat on top of the mix's own memory: that film's cut peaked at 309 MB beside and 245 MB first, in 233 s
# against 237 s. A film of many short shots (bench/editor.py: 23 junctions, 5% of its frames) has as much picture to
# make as sound, and overlapping them wins there.
PIECES_FIRST_SHARE = 0.02


def _pieces_first(to_make: list[tuple[Path, Piece]], timeline: Timeline) -> bool:
    """Whether the pieces still to make are few enough to make before the sound (PIECES_FIRST_SHARE)."""
    return sum(piece.frames for _, piece in to_make) <= PIECES_FIRST_SHARE * timeline.total_frames


def cut(plan: RenderPlan, store: TakeStore, options: CutOptions, spoken: SpokenLines | None = None,
        finisher: Finisher | None = None, on_progress: Callable[[str, float], None] | None = None) -> CutResult:
    """The film, cut from the plan's takes into options.output, and its Cut saved beside it (Cut.beside).

    spoken: the film's lines, spoken before the cut (engine.render.voices.speak_lines); none: silent dialogue.
    finisher: what the caller does with the film before the record commits it (engine.app.cut: the report).
    on_progress(step, done): what the cut is doing and how far it is, 0 to 1 (the review page's re-cut shows it)."""
    progress = on_progress or (lambda step, done: None)
    finisher = finisher or Finisher()
    # 1. every shot has its take: lay the Timeline
    progress("laying out the timeline", 0.0)
    started = time.perf_counter()
    store.sweep()  # what a killed cut left in the store
    plan.require_takes()
    timeline = grade_clips(build_timeline(plan, store, titles=options.titles), store)
    timeline, said = place_dialogue(timeline, spoken or SpokenLines(silent=NOT_SPOKEN))
    # 2. everything the film is made of, by key; when none of it changed and the file is as we left it, done
    captions = caption_spans(timeline, caption_texts(plan, timeline)) if options.captions else []
    pieces = plan_pieces(timeline, captions)
    piece_keys = [piece.cache_key(timeline) for piece in pieces]
    sound_key = audio_key(timeline, options.loudness, ReferenceDigests())
    paths = piece_paths(store.root, pieces, piece_keys)
    cards = tuple(path for piece, path in zip(pieces, paths) if piece.kind is PieceKind.CARD)
    stems = stem_paths(store.root, sound_key)
    result = CutResult(Cut(timeline, options.output, soundtrack_path(store.root, sound_key), cards, store.root,
                           options.settings, stems=stems), warnings=said)
    inputs = piece_keys + [sound_key, repr(options.delivery), _signing_token(options), *finisher.tokens]
    encoded = sum(piece.encoded for piece in pieces)  # the pieces with files of their own
    record = Cut.beside(options.output)
    if (store.output_is_current(options.output, inputs) and _committed(record, store.root)
            and all(path.is_file() for path in [*finisher.required(options.output), *stems.values()])):
        result.up_to_date = True
        result.pieces_reused = encoded
        result.subtitle_files = finisher.beside(result.cut)
        result.seconds = time.perf_counter() - started
        return result
    # 3. the pieces and, beside them, the sound (it does not depend on the picture); or first, where they are few
    progress("making the pieces and the sound", 0.1)

    def on_made(done: int, total: int) -> None:
        progress("making the pieces and the sound", 0.1 + 0.6 * done / total)

    if _pieces_first(pieces_to_make(pieces, paths), timeline):
        made = make_pieces(timeline, store.root, pieces, on_made=on_made)
        soundtrack, result.audio_made = make_soundtrack(timeline, options.loudness, store.root)
    else:
        with ThreadPoolExecutor(max_workers=1) as sound:
            soundtrack_job = sound.submit(make_soundtrack, timeline, options.loudness, store.root)
            made = make_pieces(timeline, store.root, pieces, on_made=on_made)
            soundtrack, result.audio_made = soundtrack_job.result()
    result.pieces_made = sum(fresh for _, _, fresh in made)
    result.pieces_reused = encoded - result.pieces_made
    # 4. the pieces and the stretches of takes joined, with the sound, into the film (signed last)
    progress("joining the film", 0.75)
    with store.scratch_folder("cut") as folder:
        picture = folder / f"picture{CONCAT_SUFFIX}"
        write_concat_listing([stretch for _, stretch, _ in made], timeline.fps, picture)
        if options.sign:  # signed last (a remux after it would drop the manifest); only a signed film appears
            unsigned = folder / "unsigned.mp4"
            deliver(timeline, picture, soundtrack, unsigned, options.delivery, folder)
            sign(unsigned, options.output, timeline, *options.sign)
        else:
            deliver(timeline, picture, soundtrack, options.output, options.delivery, folder)
    # 5. the caller's finishing (the report: its flags as markers), then the Cut, for the exports, committed last
    progress("measuring continuity", 0.85)
    delivered = dataclasses.replace(result.cut, film_digest=file_digest(options.output))
    finished = finisher.finish(delivered)
    result.cut = dataclasses.replace(delivered, markers=finished.markers)
    result.flagged = finished.flagged
    result.subtitle_files = finisher.beside(result.cut)
    result.cut.save(record)  # the commit point: last
    store.note_output(options.output, inputs)
    result.seconds = time.perf_counter() - started
    progress("done", 1.0)
    return result


def caption_texts(plan: RenderPlan, timeline: Timeline) -> dict[str, CaptionText]:
    """What each clip's captions say, from its shot's request (engine.editor.captions draws them)."""
    texts = {}
    for clip in timeline.clips:
        request = plan.shots[clip.shot_id].request
        if request.card is not None or request.footage is not None:
            continue  # a card is its own text; footage is the camera's picture
        texts[clip.shot_id] = CaptionText(
            heading=request.heading.upper() or request.scene_id,
            detail=f"{request.shot_id}  ·  {request.camera_size}, {request.camera_move}  ·  take {request.take}",
            text=request.text, dialogue=clip.dialogue, source_in=clip.source_in, take_frames=request.frames,
            fps=request.fps)
    return texts


def _committed(record: Path, store_root: Path) -> bool:
    """Whether the cut record beside the film was written for the film as it is (a cut killed between the two
    leaves one that is not)."""
    try:
        return Cut.load(record, roots=(store_root,)).belongs_to_film()
    except (OSError, ValueError, FileRefused):
        return False


def _signing_token(options: CutOptions) -> str:
    if not options.sign:
        return "unsigned"
    digests = ReferenceDigests()
    return "signed:" + ",".join(digests.of(path) for path in options.sign)
