"""Building the Timeline (engine.timeline) once from the render plan and the lock file's takes.

Every later step reads the Timeline and nothing else: the assembly of the picture, the score, the
subtitles, and the exports. Its types are re-exported here for the editor's modules.
"""

from __future__ import annotations

from fractions import Fraction

from longcut.storyboard.schema import NAMED_COLORS, TransitionType
from longcut.storyboard.units import parse_timecode

from ..media.footage import probe
from ..render.lock import Edit
from ..render.plan import RenderPlan
from ..store import FOOTAGE, TakeStore
from ..timeline import (Card, CardKind, Clip, ClipAudio, ClipLine, ColorMatch, MadeBy, MusicPlacement, MusicSource,
                        SpeechCue, SubtitleCue, Timeline, TransitionIn)
from .timed_text import timed

__all__ = ["Card", "CardKind", "Clip", "ClipAudio", "ColorMatch", "MadeBy", "MusicPlacement", "MusicSource", "SpeechCue", "SubtitleCue", "Timeline",
           "TransitionIn", "build_timeline"]

TITLE_SECONDS = 4
CREDITS_SECONDS = 6


def transition_in(plan: RenderPlan, shot_id: str, first: bool) -> TransitionIn:
    shot = plan.screenplay.by_id[shot_id].shot
    transition = shot.transition
    frames = plan.screenplay.transition_frames(shot)
    if transition.type is TransitionType.CUT or frames == 0:
        return TransitionIn()
    color = {TransitionType.FADE_BLACK: "#000000", TransitionType.FADE_WHITE: "#FFFFFF"}.get(transition.type)
    if transition.type is TransitionType.DIP:
        color = NAMED_COLORS.get(transition.color.lower(), transition.color)
    return TransitionIn(transition.type, frames, (color or "#000000").upper(), transition.direction.value)


def build_timeline(plan: RenderPlan, store: TakeStore, titles: bool = True) -> Timeline:
    """Lay the plan's takes end to end in editorial order; every take must exist (render first)."""
    sp = plan.screenplay
    request0 = next(iter(plan.shots.values())).request
    fps, width, height = request0.fps, request0.width, request0.height
    items: list[Clip | Card] = []
    position = 0
    if titles:
        card = title_card(sp, round(TITLE_SECONDS * fps))
        items.append(card)
        position = card.frames
    scene_starts: dict[str, int] = {}
    shot_starts: dict[str, int] = {}
    edit = plan.edit or Edit()
    order = [shot for shot in edit.order if shot in plan.shots] or list(plan.shots)
    for number, shot_id in enumerate(order):
        planned = plan.shots[shot_id]
        request = planned.request
        source_in, source_out = edit.trim(shot_id, request.frames)
        entering = transition_in(plan, shot_id, number == 0)
        if shot_id in edit.transitions:
            frames = edit.transitions[shot_id]
            entering = TransitionIn(entering.type if entering.frames else TransitionType.CROSSFADE, frames, entering.color,
                                    entering.direction) if frames else TransitionIn()
        overlap = entering.frames if number > 0 else 0  # the first shot fades in from black over itself
        position -= overlap
        dialogue = tuple(ClipLine(max(0, cue.start - source_in), min(source_out, cue.end) - source_in, cue.speaker,
                                     cue.line, cue.character)
                         for cue in request.dialogue if cue.end > source_in and cue.start < source_out)
        clip = Clip(shot_id, request.scene_id, request.take, planned.key, store.clip(planned.key),
                    source_out - source_in, position, entering, dialogue, request.text, request.seed, request.starts_on,
                    source_in, request.frames, _clip_audio(sp, shot_id), _color_match(plan, store, shot_id),
                    _made_by(store, planned.key), _take_sound(store, planned.key))
        items.append(clip)
        scene_starts.setdefault(request.scene_id, position)
        shot_starts[shot_id] = position
        position += clip.frames
    body_end = position
    if titles:
        items.append(credits_card(plan, round(CREDITS_SECONDS * fps), position))
    timeline = Timeline(sp.film.title, fps, width, height, items, backend=plan.backend.name,
                        models=tuple(model for model in [plan.backend.model()] if model))
    timeline.music = place_music(plan, fps, scene_starts, shot_starts, items[0].record_out if titles else 0, body_end)
    timeline.subtitles = timed([SubtitleCue(clip.record_in + cue.start, clip.record_in + cue.end, cue.speaker, cue.line,
                                            clip.shot_id) for clip in timeline.clips for cue in clip.dialogue],
                               fps, timeline.total_frames)
    return timeline


def _made_by(store: TakeStore, key: str) -> MadeBy:
    """What made the take, as its record says (the backend and model of the run that made it, not of this one)."""
    record = store.record(key)
    return MadeBy(record.backend, record.backend_version, record.model, footage=record.backend == FOOTAGE)


def _take_sound(store: TakeStore, key: str) -> ClipAudio | None:
    """The sound the model made with the take, where it made any: ducking the score as a shot's sound does."""
    path = store.sound(key)
    return ClipAudio(path) if path is not None else None


def _clip_audio(sp, shot_id: str) -> ClipAudio | None:
    """The shot's `audio:`, else its footage's own sound (read from the file, from `in:`)."""
    shot = sp.by_id[shot_id].shot
    if shot.audio is not None:
        return ClipAudio((sp.root / shot.audio.file).resolve(), shot.audio.gain, shot.audio.duck)
    footage = shot.footage
    if footage is None or not footage.sound:
        return None
    path = (sp.root / footage.file).resolve()
    if not probe(path).has_sound:
        return None
    return ClipAudio(path, footage.gain, footage.duck, float(footage.start.to_seconds(sp.fps)))


def _color_match(plan: RenderPlan, store: TakeStore, shot_id: str) -> ColorMatch | None:
    """The shot's `color_match:` (else its scene's, else the film's): auto grades a shot that continues another
    toward that shot; a shot id, toward it; off (the default), not at all."""
    entry = plan.screenplay.by_id[shot_id]
    setting = entry.shot.color_match or entry.scene.color_match or plan.screenplay.film.color_match or "off"
    planned = plan.shots[shot_id]
    toward = {"off": None, "auto": planned.request.starts_on}.get(setting, setting)
    if toward is None or toward not in plan.shots:
        return None
    return ColorMatch(toward, plan.shots[toward].key, planned.key, store.clip(planned.key))


def title_card(sp, frames: int) -> Card:
    lines = [("title", sp.film.title)]
    if sp.film.author:
        lines.append(("small", f"by {sp.film.author}"))
    return Card(CardKind.TITLE, frames, 0, tuple(lines))


def credits_card(plan: RenderPlan, frames: int, record_in: int) -> Card:
    sp = plan.screenplay
    lines: list[tuple[str, str]] = [("heading", sp.film.title), ("gap", "")]
    if sp.film.characters:
        lines.append(("label", "CAST"))
        for ident, character in sp.film.characters.items():
            lines.append(("body", character.name or ident))
        lines.append(("gap", ""))
    lines.append(("label", "MADE WITH AI"))
    model = plan.backend.model()
    lines.append(("body", f"longcut · backend {plan.backend.name}" + (f" · model {model}" if model else "")))
    return Card(CardKind.CREDITS, frames, record_in, tuple(lines))


def place_music(plan: RenderPlan, fps: Fraction, scene_starts: dict[str, int], shot_starts: dict[str, int],
                body_start: int, body_end: int) -> list[MusicPlacement]:
    """Resolve each cue's `from`/`to` (scene, shot or timecode) to frames of the timeline."""
    sp = plan.screenplay

    def anchor(value: str | None, default: int) -> int:
        if value is None:
            return default
        if value in scene_starts:
            return scene_starts[value]
        if value in shot_starts:
            return shot_starts[value]
        code = parse_timecode(value)
        assert code is not None, value  # the screenplay checks refuse anything else
        return body_start + code.to_frames(fps)

    placements = []
    for cue in sp.film.music:
        start = min(anchor(cue.start, body_start), body_end)
        end = min(max(anchor(cue.end, body_end), start), body_end)
        if end <= start:
            continue
        common = dict(cue_id=cue.id, start=start, end=end, gain_db=cue.gain, fade_in=cue.fade_in.to_frames(fps),
                      fade_out=cue.fade_out.to_frames(fps))
        if cue.file is not None:
            placements.append(MusicPlacement(source=MusicSource.FILE, file=(sp.root / cue.file).resolve(), **common))
        else:
            spec = cue.generate
            placements.append(MusicPlacement(source=MusicSource.GENERATE, mood=spec.mood, key=spec.key, bpm=spec.bpm,
                                             **common))
    return placements
