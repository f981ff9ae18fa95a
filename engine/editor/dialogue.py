"""The dialogue placed: every line in the cut, spoken before the cut by its character's scratch voice
(engine.render.voices, handed in as SpokenLines: the editor runs no model), placed where the dialogue's timing
puts it, and the subtitles timed to the speech rather than to the estimate.

A shot whose model made its own sound (LTX-2, with the lines in its prompt) spoke its lines itself: they are
not spoken again.

A line longer than its slot is spoken whole (it runs on into what follows) and said as a warning, with the
shot, the line and by how much, so the author can shorten it, lengthen the shot or quicken the voice.
"""

from __future__ import annotations

import dataclasses

from ..errors import LongcutError
from ..store.speech import SpokenLines
from .timed_text import timed
from .timeline import SpeechCue, SubtitleCue, Timeline


def place_dialogue(timeline: Timeline, spoken: SpokenLines) -> tuple[Timeline, list[str]]:
    """The Timeline with its lines placed (`speech`) and its subtitles on the speech; and the warnings."""
    lines = [(clip, cue) for clip in timeline.clips if clip.take_sound is None for cue in clip.dialogue]
    if not lines:
        return timeline, []
    if spoken.silent:
        return timeline, [spoken.silent]
    spoken_shots = {clip.shot_id for clip, _ in lines}
    speech, warnings = [], []
    subtitles = [cue for cue in timeline.subtitles if cue.shot_id not in spoken_shots]  # the model's own, as timed
    end_of_film = timeline.total_frames
    for clip, cue in lines:
        said = spoken.lines.get((cue.character, cue.line))
        if said is None:
            raise LongcutError(f"shot `{clip.shot_id}`: {cue.speaker}'s line \"{_short(cue.line)}\" was not spoken "
                               "before the cut", hint="cut the film again: its lines are spoken first")
        start = clip.record_in + cue.start
        frames = min(said.frames(timeline.fps), end_of_film - start)
        slot = cue.end - cue.start
        speech.append(SpeechCue(clip.shot_id, cue.character, cue.speaker, cue.line, said.file, start, frames, slot))
        subtitles.append(SubtitleCue(start, start + frames, cue.speaker, cue.line, clip.shot_id))
        if frames > slot:
            over = float((frames - slot) / timeline.fps)
            warnings.append(f"shot `{clip.shot_id}`: {cue.speaker}'s line \"{_short(cue.line)}\" is spoken in "
                            f"{said.seconds:.1f}s, {over:.1f}s longer than its {float(slot / timeline.fps):.1f}s "
                            f"slot; shorten the line, lengthen the shot, or give {cue.speaker} a faster `voice: "
                            f"{{pace: ...}}`")
    subtitles = timed(subtitles, timeline.fps, timeline.total_frames)
    return dataclasses.replace(timeline, speech=speech, subtitles=subtitles), warnings


def _short(line: str, most: int = 40) -> str:
    return line if len(line) <= most else line[:most - 1] + "…"
