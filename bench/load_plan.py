"""Load and plan a generated screenplay of 10,000 shots (100 scene files of 100 shots).

Baseline: libyaml parsing the same files into Python objects (PyYAML's CSafeLoader), the floor
for anything that reads them. Run: python bench/load_plan.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from longcut import storyboard  # noqa: E402
from bench.common import median_seconds, report  # noqa: E402

SCENES, SHOTS_PER_SCENE = 100, 100


def write_film(folder: Path) -> Path:
    (folder / "scenes").mkdir()
    includes = []
    for scene in range(SCENES):
        lines = [f"id: scene-{scene}", f"heading: INT. ROOM {scene} - DAY", "location: room", "shots:"]
        for shot in range(SHOTS_PER_SCENE):
            lines += [f"  - id: s{scene}-{shot}", f"    prompt: \"@ana looks out of window {shot}\"",
                      f"    duration: {2 + shot % 7}s", "    camera: {size: medium, move: push-in}"]
            if shot % 3:
                lines.append(f"    continues: s{scene}-{shot - 1}")
            if shot % 10 == 5:
                lines.append("    transition: {type: crossfade, duration: 0.5s}")
                lines.append("    dialogue:\n      - ana: \"Is anyone there?\"")
        (folder / "scenes" / f"{scene:03d}.yaml").write_text("\n".join(lines) + "\n")
        includes.append(f"  - include: scenes/{scene:03d}.yaml")
    film = folder / "film.yaml"
    film.write_text("title: Ten thousand shots\nseed: 1\nsize: 720p\ncharacters: {ana: {description: a woman}}\n"
                    "locations: {room: {description: a room}}\nscenes:\n" + "\n".join(includes) + "\n")
    return film


def parse_only(folder: Path) -> None:
    for path in sorted(folder.rglob("*.yaml")):
        with open(path) as handle:
            loader = yaml.CSafeLoader(handle)  # libyaml's safe loader: the fastest safe parse PyYAML has
            try:
                loader.get_single_data()
            finally:
                loader.dispose()


def load_and_plan(film: Path) -> None:
    screenplay = storyboard.load(film)
    graph = storyboard.ShotGraph(screenplay)
    graph.dependency_order()
    graph.groups()
    assert len(screenplay.entries) == SCENES * SHOTS_PER_SCENE


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        film = write_film(Path(folder))
        base = median_seconds(lambda: parse_only(Path(folder)))
        ours = median_seconds(lambda: load_and_plan(film))
    report(f"load + shot graph of {SCENES * SHOTS_PER_SCENE} shots in {SCENES} scene files", ("PyYAML CSafeLoader (libyaml)", base),
           [("longcut load + ShotGraph + orders + groups", ours)])
    print(f"  target: under 3 s -> {'ok' if ours < 3 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
