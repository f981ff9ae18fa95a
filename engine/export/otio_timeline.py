"""The cut as an OpenTimelineIO timeline: V1 with the clips and centred transitions; the sound's stems
(dialogue, effects, music) on audio tracks of their own."""

from __future__ import annotations

import opentimelineio as otio

from ..timeline import Clip, Cut, Timeline
from .common import AudioTrack, audio_tracks, centred_events, start_frames


def _range(start: int, duration: int, rate: float) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(duration, rate))


def to_otio(cut: Cut, start: str = "01:00:00:00") -> otio.schema.Timeline:
    timeline = cut.timeline
    rate = float(timeline.fps)
    result = otio.schema.Timeline(name=timeline.title)
    result.global_start_time = otio.opentime.RationalTime(start_frames(start, timeline.fps), rate)
    result.metadata["longcut"] = {"fps": f"{timeline.fps.numerator}/{timeline.fps.denominator}",
                                  "size": [timeline.width, timeline.height], "backend": timeline.backend,
                                  "models": list(timeline.models)}
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    previous_shots: list[str] = []
    for event in centred_events(cut):
        if event.incoming:
            kind, before, after = event.incoming
            transition = otio.schema.Transition(
                name=kind, transition_type=(otio.schema.TransitionTypes.SMPTE_Dissolve if kind == "crossfade"
                                            else otio.schema.TransitionTypes.Custom),
                in_offset=otio.opentime.RationalTime(before, rate), out_offset=otio.opentime.RationalTime(after, rate))
            item = event.item
            transition.metadata["longcut"] = {"type": kind, "color": item.transition.color,
                                              "direction": item.transition.direction}
            video.append(transition)
        reference = otio.schema.ExternalReference(target_url=event.path.resolve().as_uri(),
                                                  available_range=_range(0, event.media_frames, rate))
        clip = otio.schema.Clip(name=event.name, media_reference=reference,
                                source_range=_range(event.source_in, event.source_out - event.source_in, rate))
        clip.metadata["cmx_3600"] = {"reel": event.reel}
        item = event.item
        if isinstance(item, Clip):
            clip.metadata["longcut"] = {"shot": item.shot_id, "scene": item.scene_id, "take": item.take,
                                        "seed": item.seed, "key": item.key, "prompt": item.prompt,
                                        **_made_by(item, timeline),
                                        "record_in": item.record_in, "frames": item.frames}
            for note in continuity_notes(item, previous_shots, timeline):
                clip.markers.append(otio.schema.Marker(name=note, marked_range=_range(event.source_in, 0, rate),
                                                       color=otio.schema.MarkerColor.YELLOW))
            previous_shots.append(item.shot_id)
        else:
            clip.metadata["longcut"] = {"card": item.kind.value, "lines": [text for _, text in item.lines if text]}
        video.append(clip)
    result.tracks.append(video)
    for marker in cut.markers:  # the continuity report's flags and the review's notes, at their frames
        result.tracks.markers.append(otio.schema.Marker(
            name=marker.name, marked_range=_range(marker.frame, 0, rate), color=marker.color,
            metadata={"longcut": {"note": marker.note, "source": marker.source}}))
    for number, spec in enumerate(audio_tracks(cut), start=1):  # the stems, each on its own track
        result.tracks.append(_audio_track(timeline, spec, number, rate))
    return result


def continuity_notes(clip: Clip, before: list[str], timeline: Timeline) -> list[str]:
    """Where the cut could break continuity: a shot starting on a frame the audience did not just see."""
    notes = []
    starts_on = clip.starts_on
    if starts_on and before and before[-1] != starts_on:
        notes.append(f"continuity: {clip.shot_id} starts on the last frame of {starts_on}, not of the shot before it")
    if starts_on and clip.transition.frames:
        notes.append(f"continuity: {clip.shot_id} continues {starts_on} but enters with a {clip.transition.type}")
    return notes


def _audio_track(timeline: Timeline, track_spec: AudioTrack, number: int, rate: float) -> otio.schema.Track:
    track = otio.schema.Track(name=f"A{number} {track_spec.name}", kind=otio.schema.TrackKind.Audio)
    reference_range = _range(0, timeline.total_frames, rate)
    position = 0
    for span in track_spec.spans:
        if span.start > position:
            track.append(otio.schema.Gap(source_range=_range(0, span.start - position, rate)))
        clip = otio.schema.Clip(name=span.name, source_range=_range(span.start, span.end - span.start, rate),
                                media_reference=otio.schema.ExternalReference(
                                    target_url=track_spec.media.resolve().as_uri(), available_range=reference_range))
        clip.metadata["longcut"] = {"stem": track_spec.name, **span.metadata}
        clip.metadata["cmx_3600"] = {"reel": f"{track_spec.name[:5].upper()}{len(track) + 1:02d}"[:8]}
        track.append(clip)
        position = span.end
    return track


def _made_by(clip: Clip, timeline: Timeline) -> dict:
    """What made the clip's take (a cut saved before longcut recorded it: the film's backend and models)."""
    if clip.made_by is None:
        return {"backend": timeline.backend, "model": ", ".join(timeline.models) or None}
    return {"backend": clip.made_by.backend, "model": clip.made_by.model, "generated": not clip.made_by.footage}
