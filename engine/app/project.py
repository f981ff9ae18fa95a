"""A film on disk and what longcut keeps beside it: the screenplay, its graph, backend, take store and lock file."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from longcut import storyboard
from longcut.continuity import TakeChoice, default_choice
from longcut.storyboard import Screenplay, ShotGraph
from longcut.storyboard.errors import did_you_mean
from longcut.storyboard.files import FileRefused
from longcut.storyboard.units import format_seconds

from ..atomic import can_write
from ..backends import Backend, KeyframeBackend, create_backend, create_keyframe_backend
from ..errors import LongcutError, refused
from ..media.check import check_media
from ..outputs import inputs_of, resolve_path
from ..render.lock import LockFile
from ..render.plan import RenderPlan, plan
from ..store import SHOT, TakeRecord, TakeStore
from ..timeline import Cut



def is_url(where: str) -> bool:
    """s3://bucket/path and the like; a local path (even a Windows one, C:\\...) is not."""
    scheme, sep, _ = where.partition("://")
    return bool(sep) and len(scheme) > 1 and scheme.replace("+", "").isalnum()


@dataclass(frozen=True)
class ShotStatus:
    shot: str
    take: int
    picked: bool  # a person chose the take (pick, shot --take)
    state: str  # cached | verified | damaged | stale | missing
    frames: int
    key: str


@dataclass
class Project:
    screenplay: Screenplay
    graph: ShotGraph
    backend: Backend
    store: TakeStore
    lock: LockFile
    keyframe_backend: KeyframeBackend | None = None  # None: the film has no keyframe stage

    @classmethod
    def open(cls, film: Path, store: str | Path | None = None, warn: Callable[[str], None] | None = None,
             media: bool = False, writes: bool = True) -> Project:
        """store: a folder (local, or shared by a cluster), or an object-storage URL such as s3://bucket/film,
        mirrored in .longcut beside the film. Default: $LONGCUT_STORE, else .longcut beside the film.
        warn: told of what the store finds wrong and mends (a damaged take evicted).
        media: check that every picture and sound file the film names decodes (engine.media.check), before a render or
        a cut reads them; the commands that do not read them skip it.
        writes: False for a command that only reads: the store need not be writable, nothing is evicted from it,
        and only its cache of checked takes is written where it can be, so a read-only film folder serves it."""
        screenplay = storyboard.load(film)
        if media:
            check_media(screenplay)
        graph = ShotGraph(screenplay)
        backend = create_backend(screenplay)
        keyframe_backend = create_keyframe_backend(screenplay)
        where = str(store or os.environ.get("LONGCUT_STORE") or screenplay.root / ".longcut")
        what = "--store" if store else "the take store"
        local = resolve_path(Path(where), what) if not is_url(where) else screenplay.root / ".longcut"
        if writes:
            _check_store_folder(local, what)
        takes = TakeStore(local, remote=where if is_url(where) else None, warn=warn, read_only=not writes)
        return cls(screenplay, graph, backend, takes, LockFile.beside(screenplay.path), keyframe_backend)

    def inputs(self) -> dict[Path, str]:
        """Every file the film's commands read, with what it is: no output may be written over one."""
        from ..review.decisions import review_path

        files = inputs_of(self.screenplay, self.store.root, self.lock.path)
        files[review_path(self.screenplay.path).resolve()] = "the film's review file (verdicts and notes)"
        return files

    def plan(self, choices: dict[str, TakeChoice] | None = None, size: tuple[int, int] | None = None,
             keyframe_choices: dict[str, TakeChoice] | None = None) -> RenderPlan:
        return plan(self.screenplay, self.graph, self.backend, self.store, self.lock, choices, size,
                    self.keyframe_backend, keyframe_choices)

    def shot(self, shot_id: str) -> str:
        """The id, checked: an unknown shot is a clear error with the near names."""
        if shot_id not in self.screenplay.by_id:
            raise LongcutError(f"no shot `{shot_id}` in {self.screenplay.path.name}",
                               hint=did_you_mean(shot_id, self.screenplay.by_id, "shots"))
        return shot_id

    def current_choice(self, shot_id: str) -> TakeChoice:
        return self.lock.choices().get(shot_id) or default_choice(self.screenplay, shot_id)

    def next_take(self, shot_id: str, kind: str = SHOT) -> int:
        """One more than any take of this shot (or, kind=KEYFRAME_KIND, of its keyframe) the store or the lock file
        knows."""
        numbers = [record.take for record in self.store.records(kind) if record.shot == shot_id]
        entry = (self.lock.shots if kind == SHOT else self.lock.keyframes).get(shot_id)
        numbers += [entry.take] if entry else []
        numbers.append(self.current_choice(shot_id).take if kind == SHOT else self.current_keyframe(shot_id).take)
        return max(numbers) + 1

    def current_keyframe(self, shot_id: str) -> TakeChoice:
        return self.lock.keyframe_choices().get(shot_id) or default_choice(self.screenplay, shot_id)

    def default_output(self, size: tuple[int, int] | None = None) -> Path:
        """The film beside the film file; a draft at another size beside it under its own name (film.640x360.mp4),
        so a draft never replaces the film or its cut record."""
        if size is None or tuple(size) == tuple(self.screenplay.film.size):
            return self.screenplay.path.with_suffix(".mp4")
        return self.screenplay.path.with_suffix(f".{size[0]}x{size[1]}.mp4")

    def takes(self, shot_id: str) -> list[TakeRecord]:
        """A shot's takes in the store, by take number, then by when they were made."""
        return self.takes_by_shot().get(shot_id, [])

    def takes_by_shot(self) -> dict[str, list[TakeRecord]]:
        """Every shot's takes in the store (one scan of it), each by take number, then by when they were made."""
        found: dict[str, list[TakeRecord]] = {}
        for record in self.store.records():
            found.setdefault(record.shot, []).append(record)
        for takes in found.values():
            takes.sort(key=lambda record: (record.take, record.created))
        return found

    def pick(self, shot_id: str, take: int) -> list[str]:
        """Make the cut use take `take` of a shot from now on (it must be made for the screenplay as it is).
        Returns the shots that continue from it and now need rendering."""
        choice = take_choice(self.takes(shot_id), take)
        plan = self.plan({shot_id: choice})
        planned = plan.shots[shot_id]
        if not planned.cached:
            raise LongcutError(f"take {take} of shot `{shot_id}` is not rendered for the screenplay as it is now",
                               hint=f"render it first: longcut shot {self.screenplay.path.name} {shot_id} --take {take}")
        self.lock.record(shot_id, take, planned.key, seed=choice.seed, picked=True)
        self.lock.save()
        return [shot for shot in self.graph.descendants(shot_id) if not plan.shots[shot].cached]

    def pick_keyframe(self, shot_id: str, choice: TakeChoice, plan: RenderPlan,
                      size: tuple[int, int] | None = None) -> list[str]:
        """Start a shot on keyframe take `choice` from now on (`plan`, made at `size`, has it, and it is drawn).
        Returns the shots whose video is now to render (that shot's and those that continue from it, where not
        made)."""
        self.lock.pick_keyframe(shot_id, choice.take, plan.shots[shot_id].keyframes[0].key, choice.seed)
        self.lock.save()
        return [shot for shot, planned in self.plan(size=size).shots.items() if not planned.cached]

    def status(self, plan: RenderPlan, verify: bool = False) -> list[ShotStatus]:
        """Each shot's state: cached (verified, with verify: hashed and decoded in full), damaged (it failed that
        check and was removed), stale (its take is for the screenplay as it was) or missing."""
        rows = []
        for shot_id, planned in plan.shots.items():
            entry = self.lock.shots.get(shot_id)
            problem = self.store.verify(planned.key, full=True) if verify and planned.cached else None
            if problem is not None:
                self.store.evict(planned.key, problem)
                state = "damaged"
            elif planned.cached:
                state = "verified" if verify else "cached"
            elif entry and entry.key and self.store.has(entry.key):
                state = "stale"
            else:
                state = "missing"
            rows.append(ShotStatus(shot_id, planned.request.take, bool(entry and entry.picked), state,
                                   planned.request.frames, planned.key))
        return rows

    def last_cut(self, film: Path | None = None, current: bool = True) -> Cut | None:
        """The Cut of the film last delivered to `film` (default: beside the film file), if there is one.

        current: the record must belong to the film as it is now (a cut killed between writing the film and its
        record, or a film changed since, is an error that says to cut again); `shot` reads an old record's
        settings only, and passes False. The record may name files in the film's folder and its store only."""
        record = Cut.beside(film or self.default_output())
        try:
            the_cut = Cut.load(record, roots=(self.store.root,))
        except FileNotFoundError:
            return None
        except FileRefused as error:
            raise refused(error) from None
        except (ValueError, OSError) as error:
            raise LongcutError(f"the cut record {record} cannot be read ({error})",
                               hint="cut the film again: longcut cut FILM") from None
        if current and not the_cut.belongs_to_film():
            raise LongcutError(f"the cut record {record.name} does not belong to {the_cut.film.name} as it is now (the "
                               "film was changed after it was cut, or a cut was stopped before it finished)",
                               hint=f"cut the film again: longcut cut {self.screenplay.path.name}")
        return the_cut

    def current_keys(self, plan: RenderPlan, shot_id: str, records: list[TakeRecord]) -> set[str]:
        """The keys the shot's takes (by number) have for the screenplay as it is now, with the parents the plan
        has: a record with another key was made for an earlier version."""
        from ..render.plan import alternative_keys

        choices = [take_choice(records, take) for take in sorted({record.take for record in records})]
        keys = alternative_keys(plan, self.lock, {shot_id: choices})
        return set(keys.values()) | {plan.shots[shot_id].key}

    def render_estimate(self, plan: RenderPlan) -> str:
        """How long the plan's render should take, in words: at the rate (seconds a megapixel-frame) this store's
        takes of the same backend were made at, their median; or that there is none to go by yet."""
        backend = plan.backend.name
        rates = sorted(record.seconds_taken / (record.frames * record.width * record.height / 1e6)
                       for record in self.store.records() if record.backend == backend and record.frames
                       and record.seconds_taken > 0)
        if not rates:
            return f"time: no estimate yet (no take of {backend} in this store to measure its rate by)"
        rate = rates[len(rates) // 2]
        megapixel_frames = sum(planned.request.frames * planned.request.width * planned.request.height / 1e6
                               for planned in plan.to_render())
        seconds = rate * megapixel_frames
        return (f"time: about {format_seconds(round(seconds))} of rendering, at the rate of the {len(rates)} "
                f"{backend} take(s) in this store ({rate:.3f}s a megapixel-frame)")

    def cut_is_behind(self, the_cut: Cut) -> list[str]:
        """The shots whose take in the lock file is not the one the cut shows (a pick since the film was cut)."""
        return [clip.shot_id for clip in the_cut.timeline.clips
                if (entry := self.lock.shots.get(clip.shot_id)) is not None and entry.key and entry.key != clip.key]


def take_choice(records: list[TakeRecord], take: int) -> TakeChoice:
    """The choice that names take `take` of a shot, from its records: with the seed a person gave it (`--seed`),
    which its key was made with, else the derived one."""
    seed = next((record.seed for record in reversed(records) if record.take == take and record.seed_override), None)
    return TakeChoice(take, seed)


def _check_store_folder(folder: Path, what: str) -> None:
    """A take store must be a folder this process can write in (or make): said now, not as a traceback halfway
    through a render. Nothing is made here (a dry run leaves no trace)."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise LongcutError(f"{what} {folder}: {existing} is not a folder", hint="give the path of a folder for the takes")
    if not can_write(existing):
        raise LongcutError(f"{what} {folder}: {existing} cannot be written to",
                           hint="give a folder you can write to (--store DIR or LONGCUT_STORE)")
