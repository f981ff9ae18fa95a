"""What the review page shows, as one JSON document: the film as last cut, every shot with its takes, status,
notes and continuity flags. The page draws only this (and the media it names), so the server and the static
folder show the same thing.

Media are named by key, never by path: `media/take/KEY.mp4`, `media/thumb/KEY.jpg`, `media/film/VERSION.mp4`,
`media/speech/KEY.wav` (a line as a scratch voice spoke it), `media/faces/KEY.png` (a character's face in each shot,
from the continuity report).
The server finds each in the store by its key (engine.review.server); the static folder holds them at those
very names (engine.review.static).
"""

from __future__ import annotations

from pathlib import Path

from longcut.storyboard.units import drop_frame, dropped_frames

from ..analysis.report import load_report, report_path, strip_path
from ..app.project import Project, take_choice
from ..errors import LongcutError
from ..media.proxy import PROXY_HEIGHT, film_version, kept_film, proxy, proxy_path, thumbnail
from ..render.plan import RenderPlan, alternative_keys
from ..store import TakeRecord
from ..store.speech import speech_path
from ..timeline import Card, Cut
from .decisions import Review, Status

STATE_VERSION = 1
STATUS_ORDER = [status.value for status in Status]


def take_url(key: str) -> str:
    return f"media/take/{key}.mp4"


def thumb_url(key: str) -> str:
    return f"media/thumb/{key}.jpg"


def film_url(version: str) -> str:
    return f"media/film/{version}.mp4"


def speech_url(key: str) -> str:
    return f"media/speech/{key}.wav"


def keep_stated_film(cut: Cut | None, store_root: Path) -> None:
    """Keep the version of the film a page is about to be told of, so that it is served when the page asks for it.
    A busy browser may ask only after a render in another process has cut the film again; a version linked only
    on its first request would then be gone (a 404 where the page said it would play). A film taller than
    PROXY_HEIGHT is played from its proxy, made on first request, and is not kept here: its versions are whole
    films, too large to keep a few of on the chance."""
    if cut is None or cut.timeline.height > PROXY_HEIGHT:
        return
    try:
        kept_film(cut.film, film_version(cut.film), store_root)
    except OSError:  # no film (yet), or a store that cannot be written: asked for, it is looked for again
        pass


def media_file(project: Project, cut: Cut | None, kind: str, key: str) -> Path | None:
    """The file a media URL names (its proxy or thumbnail made where missing), or None when there is none: a
    take and its thumbnail by the take's key, a spoken line by its key, the film by its version."""
    store = project.store
    if kind == "film":  # this version, or one a page may still be playing after a new cut replaced it
        if cut is None:
            return None
        if cut.timeline.height <= PROXY_HEIGHT:
            return kept_film(cut.film, key, store.root)
        if not cut.film.is_file() or film_version(cut.film) != key:
            made = proxy_path(key, store.root)  # an earlier version's proxy, made while it was the film
            return made if made.is_file() else None
        return proxy(cut.film, key, cut.timeline.height, cut.timeline.fps, store.root)
    if kind == "speech":
        path = speech_path(store.root, key)
        return path if path.is_file() else None
    if kind == "faces":  # a character's strip of faces, made by the continuity report
        path = strip_path(store.root, key)
        return path if path.is_file() else None
    if not store.has(key):
        return None
    if kind == "thumb":
        return thumbnail(store.folder(key) / "first.png", key, store.root)
    return proxy(store.clip(key), key, store.record(key).height, project.screenplay.fps, store.root)


def page_state(project: Project, plan: RenderPlan, review: Review, cut: Cut | None) -> dict:
    """Everything the page shows, as JSON-ready data. Every text a person wrote is here as text: the page sets
    it as text (never as markup)."""
    sp = project.screenplay
    fps = sp.fps
    records = project.takes_by_shot()
    pickable = _pickable_keys(project, plan, records)
    # each line as the last cut spoke it (engine.render.voices names the file by its key)
    spoken = {(cue.shot_id, cue.line): speech_url(cue.file.stem) for cue in (cut.timeline.speech if cut else [])}
    report = _report(cut)  # read once: the flags and who is on screen come from it
    shots = [_shot(plan, shot_id, records.get(shot_id, []), pickable, review, spoken) for shot_id in plan.shots]
    return {
        "version": STATE_VERSION,
        "title": sp.film.title,
        "fps": [fps.numerator, fps.denominator],
        # what the page needs to write timecode exactly as storyboard.units.format_timecode does
        "timecode": {"nominal": round(fps), "dropped": dropped_frames(fps),
                     "separator": ";" if drop_frame(fps) else ":"},
        "film": _film(cut),
        "shots": shots,
        "notes": [note.model_dump() for note in review.data.notes],
        # the verdicts' notes, for the one list of what reviewers said (each with its shot and take)
        "verdicts": [{"shot": shot, **decision.model_dump(exclude={"key"})}
                     for shot, decision in review.data.decisions.items() if decision.note],
        "flags": _flags(report),
        "identity": _identity(report),
        "statuses": STATUS_ORDER,
    }


def _pickable_keys(project: Project, plan: RenderPlan, records: dict[str, list[TakeRecord]]) -> set[str]:
    """The keys the shots' take numbers have for the screenplay as it is now: a take made before a change to its
    shot (or to the shot it continues) is not offered, since picking it would be refused."""
    alternatives = {}
    for shot_id, takes in records.items():
        if shot_id not in plan.shots:
            continue
        alternatives[shot_id] = [take_choice(takes, take) for take in sorted({record.take for record in takes})]
    return set(alternative_keys(plan, project.lock, alternatives).values())


def _shot(plan: RenderPlan, shot_id: str, records: list[TakeRecord], pickable: set[str], review: Review,
          spoken: dict[tuple[str, str], str]) -> dict:
    planned = plan.shots[shot_id]
    request = planned.request
    decision = review.data.decisions.get(shot_id)
    takes = [_take(record, planned.key) for record in records if record.key in pickable | {planned.key}]
    return {
        "id": shot_id,
        "scene": request.scene_id,
        "heading": request.heading,
        "frames": request.frames,
        "seconds": round(request.frames / float(request.fps), 3),
        "prompt": request.text,
        "dialogue": [{"speaker": cue.speaker, "line": cue.line, "start": cue.start, "end": cue.end,
                      "speech": spoken.get((shot_id, cue.line))} for cue in request.dialogue],
        "take": request.take,
        "key": planned.key,
        "made": planned.cached,
        "status": review.status(shot_id, planned.key, planned.cached).value,
        "verdict": decision.model_dump() if decision else None,
        "thumb": thumb_url(planned.key) if planned.cached else None,
        "takes": takes,
    }


def _take(record: TakeRecord, key_in_use: str) -> dict:
    return {"take": record.take, "key": record.key, "seed": record.seed, "backend": record.backend,
            "model": record.model, "frames": record.frames, "created": record.created,
            "url": take_url(record.key), "thumb": thumb_url(record.key), "in_use": record.key == key_in_use}


def _film(cut: Cut | None) -> dict | None:
    if cut is None or not Path(cut.film).is_file():
        return None
    timeline = cut.timeline
    items = []
    for item in timeline.items:
        if isinstance(item, Card):
            items.append({"kind": "card", "card": item.kind.value, "record_in": item.record_in,
                          "record_out": item.record_out})
        else:
            items.append({"kind": "clip", "shot": item.shot_id, "take": item.take, "record_in": item.record_in,
                          "record_out": item.record_out, "source_in": item.source_in})
    return {"url": film_url(film_version(cut.film)), "frames": timeline.total_frames, "items": items,
            "width": timeline.width, "height": timeline.height}


def _flags(report: dict) -> list[dict]:
    """The continuity report's flags (its seams' and its shots'), where the film was cut with one."""
    flags = [flag for entry in report.get("seams", []) + report.get("shots", []) for flag in entry.get("flags", [])]
    return [{key: flag.get(key) for key in ("what", "shot", "shot_frame", "frame", "timecode", "message", "hint")}
            for flag in sorted(flags, key=lambda flag: flag.get("frame", 0))]


def _report(cut: Cut | None) -> dict:
    """The continuity report of the film as cut ({} where there is none, or one of another version or film)."""
    if cut is None or not report_path(cut.film).is_file():
        return {}
    try:
        return load_report(report_path(cut.film), hint="", film=cut.film)
    except LongcutError:  # the page goes on without the report
        return {}


def _identity(report: dict) -> dict:
    """Who is on screen, per character: a row with its consistency and the strip of its face in each shot."""
    identity = report.get("identity") or {}
    if not identity.get("measured"):
        return {"measured": False, "why": identity.get("why", "no continuity report yet"), "characters": []}
    rows = []
    for row in identity.get("characters", []):
        rows.append({"character": row["character"], "name": row["name"], "shots": row["shots"],
                     "seen_in": row["seen_in"], "consistency": row.get("consistency"), "lowest": row.get("lowest"),
                     "strip": faces_url(row["strip"]) if row.get("strip") else None,
                     "strip_shots": row.get("strip_shots", [])})
    return {"measured": True, "why": None, "characters": rows}


def faces_url(key: str) -> str:
    return f"media/faces/{key}.png"
