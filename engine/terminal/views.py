"""Each use case's result as the terminal shows it. Nothing is computed here but the wording and the layout."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from longcut.storyboard import ShotGraph
from longcut.storyboard.units import format_seconds, fps_label

from ..app.board import BoardOutcome
from ..app.check import FilmSummary, KeyframeSummary
from ..app.status import FilmStatus
from ..app.takes import TakesListing
from ..editor import CutResult
from ..render.plan import RenderPlan
from ..render.run import RenderResult
from . import err, out
from .tables import fitting_table

STATE_STYLES = {"cached": "green", "verified": "green", "stale": "yellow", "missing": "red", "damaged": "red"}
REVIEW_STYLES = {"approved": "green", "retake": "red", "waiting for review": "yellow"}
CAST_SHOWN = 6  # shots named per character before "… (+N)"


def warn(message: str) -> None:
    err.print(Text(f"warning: {message}", style="yellow"))


# check

def print_summary(summary: FilmSummary) -> None:
    sp = summary.screenplay
    film, fps = sp.film, sp.fps
    out.print(Text.assemble((film.title, "bold"), f"  ·  {film.size[0]}x{film.size[1]} at {fps_label(fps)} fps  ·  "
                            f"seed {film.seed}  ·  backend {film.backend.name}"))
    scenes = Table(title=None, show_edge=False, pad_edge=False)
    for column in ("#", "scene", "heading", "location", "shots", "length"):
        scenes.add_column(column, justify="right" if column in ("#", "shots", "length") else "left")
    for row in summary.scenes:
        scenes.add_row(str(row.number), row.id, row.heading, row.location or "-", str(row.shots),
                       format_seconds(row.frames / fps))
    out.print(scenes)
    total, running = sp.total_frames(), sp.running_frames()
    overlap = total - running
    out.print(f"{len(film.scenes)} scenes, {len(sp.entries)} shots, running time {format_seconds(running / fps)} "
              f"({running} frames)" + (f"; the shots add up to {format_seconds(total / fps)} and transitions overlap "
                                       f"{format_seconds(overlap / fps)}" if overlap else ""))
    out.print(f"{summary.groups} independent render groups ({summary.chains} continuity chains)")
    out.print(keyframes_said(summary.keyframes))
    if summary.cast:
        cast = Table(show_edge=False, pad_edge=False)
        for column in ("character", "name", "voice", "shots", "appears in"):
            cast.add_column(column, justify="right" if column == "shots" else "left")
        for row in summary.cast:
            shown = ", ".join(row.shots[:CAST_SHOWN]) + (
                f", … (+{len(row.shots) - CAST_SHOWN})" if len(row.shots) > CAST_SHOWN else "")
            cast.add_row(row.character, row.name, f"{row.pitch:+g} st, {row.pace:g}x", str(len(row.shots)),
                         shown or "-")
        out.print(cast)
    if summary.silent_dialogue:
        out.print(Text(f"note: the dialogue is silent (subtitles only): {summary.silent_dialogue}", style="yellow"))
    for warning in summary.warnings:
        where = f"{warning.mark}: " if warning.mark else ""
        out.print(Text(f"{where}warning: {warning.message}", style="yellow"))
    count = len(summary.warnings)
    out.print(Text("ok", style="green") if not count else Text(f"ok, {count} warnings", style="yellow"))


def keyframes_said(keyframes: KeyframeSummary) -> str:
    given = f"; {keyframes.given} of them the author's own pictures (start:, end:)" if keyframes.given else ""
    if keyframes.backend is None:
        return "keyframes: off (shots that continue none start from their text)" + (
            f"; {keyframes.first} shots start on the author's picture, {keyframes.last} end on one" if given else "")
    ends = f", {keyframes.last} end on one too" if keyframes.last else ""
    return (f"keyframes: {keyframes.backend}; {keyframes.first} shots start on one{ends}{given} (longcut board draws "
            "them)")


# graph

def graph_tree(shot_graph: ShotGraph) -> Tree:
    sp = shot_graph.screenplay
    tree = Tree(Text(sp.film.title, style="bold"))
    for scene in sp.film.scenes:
        branch = tree.add(Text.assemble((scene.id, "bold"), f"  {scene.heading}"))
        for shot in scene.shots:
            label = Text.assemble((shot.id, "cyan"), f"  {format_seconds(shot.duration.to_seconds(sp.fps))}  "
                                  f"{shot.camera.size.value}, {shot.camera.move.value}")
            if shot.continues:
                label.append(f"  ← starts on the last frame of {shot.continues}", style="magenta")
            if shot.loop:
                label.append("  ↻ ends on its first frame", style="magenta")
            if shot.transition.overlaps:
                label.append(f"  ({shot.transition.type.value} {shot.transition.length()})", style="dim")
            branch.add(label)
    groups = shot_graph.groups()
    waves = list(shot_graph.generations())
    summary = tree.add(Text(f"render order: {len(groups)} independent groups, {len(waves)} waves", style="bold"))
    for group in groups:
        if len(group) > 1:
            summary.add(" → ".join(group))
    return tree


# render, shot, cut

def print_plan(plan: RenderPlan, estimate: str) -> None:
    """The plan as a table that fits the terminal (ids whole; the key, seed and calls go first when narrow), and
    how long the render should take."""
    rows = []
    for number, shot_id in enumerate(plan.order, start=1):
        planned = plan.shots[shot_id]
        action = Text("cached", style="green") if planned.cached else Text("render", style="yellow")
        rows.append([str(number), shot_id, action, str(planned.request.frames), str(planned.segments),
                     planned.parent or "-", str(planned.request.seed), planned.key[:10]])
    out.print(fitting_table(["#", "shot", "action", "frames", "calls", "starts on", "seed", "key"], rows,
                            drop=["key", "seed", "calls", "#"]))
    todo = plan.to_render()
    out.print(f"{len(todo)} of {len(plan.shots)} shots to render ({plan.frames_to_render()} frames) with "
              f"{plan.backend.name}; {len(plan.shots) - len(todo)} cached")
    if todo:
        out.print(estimate)
    keyframes = plan.keyframes_to_draw(todo)
    given = sum(1 for keyframe in keyframes if keyframe.request.given is not None)
    if len(keyframes) > given:
        out.print(f"{len(keyframes) - given} keyframe(s) to draw first with {plan.keyframe_backend.name}")
    if given:
        out.print(f"{given} picture(s) of the author's (start:, end:) to fit first")


def print_retakes(shots: dict[str, int]) -> None:
    if shots:
        made = ", ".join(f"{shot} (take {take})" for shot, take in shots.items())
        out.print(f"new takes of the {len(shots)} shot(s) sent back: {made}")
    else:
        out.print("no shot is waiting for a retake")


def print_rendered(result: RenderResult) -> None:
    found = f", {len(result.found)} made meanwhile by another render" if result.found else ""
    if result.keyframes:
        out.print(f"drew {result.keyframes} keyframe(s) first")
    out.print(f"rendered {len(result.rendered)} shot(s), {len(result.cached)} cached{found}, in {result.seconds:.1f}s")


def print_cut(result: CutResult, report_name: str) -> None:
    timeline = result.timeline
    if result.up_to_date:
        out.print(f"{result.output} is up to date")
        return
    seconds = float(timeline.total_frames / timeline.fps)
    sound = "sound made" if result.audio_made else "sound reused"
    out.print(f"cut {result.output}: {timeline.total_frames} frames ({seconds:.1f}s); {result.pieces_made} piece(s) "
              f"made, {result.pieces_reused} reused, {sound}; in {result.seconds:.1f}s")
    for path in result.subtitle_files:
        out.print(f"subtitles: {path}")
    for warning in result.warnings:
        warn(warning)
    if result.flagged is not None:
        verdict = f"{result.flagged} flag(s): longcut report" if result.flagged else "nothing flagged"
        out.print(f"continuity: {verdict} ({report_name})")


# takes, status, board

def print_takes(listing: TakesListing, film: Path) -> None:
    one_prompt = listing.one_prompt
    if one_prompt is not None:  # said once, above the table, not on every row
        out.print(Text(f"prompt: {one_prompt}", style="dim"))
    rows = [["▶" if row.in_cut else "", str(row.record.take), str(row.record.seed), row.made_for,
             f"{row.record.width}x{row.record.height}", str(row.record.frames),
             row.record.created.replace("T", " ")[:16], row.record.key[:10], row.record.prompt] for row in listing.rows]
    headers = ["", "take", "seed", "made for", "size", "frames", "made", "key", "prompt"]
    if one_prompt is not None:
        headers, rows = headers[:-1], [row[:-1] for row in rows]
    out.print(fitting_table(headers, rows, drop=["made", "size", "key", "frames"],
                            flexible="prompt" if one_prompt is None else None))
    if any(row.made_for == "earlier" for row in listing.rows):
        out.print("made for `earlier`: for the screenplay, or the take of the shot it continues, as it was then; "
                  "a take's number and seed stay, its key changes")
    out.print(f"contact sheet: {listing.sheet}   (▶ = the take the cut uses)")
    if not listing.in_cut:
        out.print(f"none of these is take {listing.planned.request.take} as the screenplay (or the shot it continues) "
                  f"is now: longcut shot {film} {listing.shot} renders it")


def print_status(status: FilmStatus, film: Path) -> None:
    cells = []
    for row in status.rows:
        shot = row.shot
        cells.append([shot.shot, f"{shot.take}{' (picked)' if shot.picked else ''}",
                      Text(shot.state, style=STATE_STYLES[shot.state]),
                      Text(row.verdict + row.said, style=REVIEW_STYLES.get(row.verdict, "")),
                      str(row.notes or ""), str(shot.frames), shot.key[:10]])
    out.print(fitting_table(["shot", "take", "status", "review", "notes", "frames", "key"], cells,
                            drop=["key", "frames", "notes"], flexible="review", keep_flexible_whole=True))
    out.print(", ".join(f"{count} {state}" for state, count in sorted(status.counts.items())))
    if status.notes or status.verdicts:
        out.print(f"review: {status.verdicts} verdict(s), {status.notes} note(s) ({status.film_notes} on the film); "
                  f"longcut review {film}")
    if status.damaged:
        out.print(f"the damaged takes were removed; longcut render {film} makes them again")


def print_board(outcome: BoardOutcome, film: Path) -> None:
    if outcome.up_to_date:
        out.print(f"the board is up to date: {outcome.paths.sheet}")
        return
    if outcome.picked:
        shot, choice = outcome.picked
        again = outcome.to_render
        out.print(f"the film now starts {shot} on keyframe take {choice.take}"
                  + (f"; {len(again)} shot(s) to render: longcut render {film}" if again else ""))
    out.print(f"drew {outcome.drawn} keyframe(s), {outcome.cached} cached, in {outcome.seconds:.1f}s")
    out.print(f"board: {outcome.paths.sheet}")
    out.print(f"keyframes: {outcome.paths.keyframes}")


# report

def print_report(data: dict, path: Path) -> None:
    seams = data["seams"]
    continued = [seam for seam in seams if seam["continues"]]
    worst = max((seam["delta_e"] for seam in continued), default=None)
    out.print(f"{path.name}: {len(data['shots'])} shots, {len(seams)} seams ({len(continued)} continued"
              + (f", the largest colour jump ΔE {worst:.1f}" if worst is not None else "") + ")")
    for seam in seams:
        if "color_match" in seam:
            match = seam["color_match"]
            out.print(f"  {seam['to']}: graded toward {match['toward']}, seam ΔE {match['delta_e_before']:.1f} -> "
                      f"{seam['delta_e']:.1f}")
    print_identity(data.get("identity") or {})
    flags = [flag for entry in seams + data["shots"] for flag in entry["flags"]]
    if not flags:
        out.print("nothing flagged")
        return
    for flag in sorted(flags, key=lambda flag: flag["frame"]):  # lines, not a table: a message wraps whole
        out.print(Text.assemble((flag["timecode"], "cyan"), f"  {flag['what']}: {flag['message']}"))
        out.print(Text(f"  hint: {flag['hint']}", style="dim"))
    out.print(f"{len(flags)} flag(s)")


def print_identity(identity: dict) -> None:
    """Who is on screen: a row per character (its consistency across shots and where it is lowest)."""
    if not identity.get("measured"):
        out.print(Text(identity.get("why") or "identity was not measured", style="dim"))
        return
    for row in identity.get("characters", []):
        seen = f"seen in {row['seen_in']} of {row['shots']} shot(s)"
        if row.get("consistency") is not None:
            lowest = row["lowest"]
            seen += f", consistency {row['consistency']:.2f} (lowest: {lowest['shot']}, {lowest['similarity']:.2f})"
        out.print(f"  {row['name']} ({row['character']}): {seen}")


# new, import, review --import

def print_new(screenplay, folder: Path) -> None:
    out.print(f"wrote {folder / 'film.yaml'}: {len(screenplay.entries)} shots, running time "
              f"{format_seconds(screenplay.running_frames() / screenplay.fps)}")
    out.print(f"next: longcut render {folder / 'film.yaml'}")


def print_imported(imported, folder: Path) -> None:
    for problem in imported.refused:  # the script's own words: written as they are, for the author to change or allow
        err.print(Text(problem.render(), style="yellow"))
    for warning in imported.warned:
        err.print(Text(f"{warning.mark}: warning: {warning.message}", style="yellow"))
    if imported.refused:
        err.print(Text(f"{len(imported.refused)} text(s) of the script break the film's content rules: change them, "
                       "or set `policy:` in film.yaml, before rendering (longcut check shows them)", style="yellow"))
    screenplay = imported.screenplay
    out.print(f"wrote {folder / 'film.yaml'} and {len(screenplay.film.scenes)} scene files: "
              f"{len(screenplay.entries)} shots, {len(screenplay.film.characters)} characters, running time "
              f"{format_seconds(screenplay.running_frames() / screenplay.fps)}")
    out.print(f"next: describe the characters in film.yaml, then longcut render {folder / 'film.yaml'}")


def print_imported_notes(imported, path: Path, film: Path) -> None:
    for warning in imported.warnings:
        out.print(Text(f"warning: {warning}", style="yellow"))
    out.print(f"imported {imported.added} note(s) from {path}" +
              (f" ({imported.known} were in already)" if imported.known else "") + f"; longcut review {film}")


def print_conformed(result, edited: Path, film: Path) -> None:
    out.print(f"conformed {len(result.order)} shots from {edited.name}: {len(result.trims)} trimmed, "
              f"{sum(1 for frames in result.transitions.values() if frames)} transitions")
    for shot_id in result.dropped:
        out.print(Text(f"left out by the editor: {shot_id}", style="yellow"))
    for note in result.unmapped:
        out.print(Text(f"not mapped: {note}", style="yellow"))
    out.print(f"the next `longcut cut {film}` follows this edit; the screenplay is unchanged")


def print_picked(outcome, film: Path) -> None:
    out.print(f"the cut now uses take {outcome.take} of {outcome.shot}")
    if outcome.waiting:
        out.print(f"{len(outcome.waiting)} shot(s) continue from it and need rendering: {', '.join(outcome.waiting)}; "
                  f"run longcut render {film}")
    elif outcome.cut is None:
        out.print(f"the film shows it once it is cut again: longcut cut {film} (or pick with --cut)")
