import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from typer.testing import CliRunner

from longcut.engine.cli import app

from .conftest import DATA, EXAMPLES

FILMS = [EXAMPLES / "short/film.yaml", EXAMPLES / "long/film.yaml", DATA / "reference/film.yaml"]


@pytest.mark.parametrize("film", FILMS, ids=lambda path: path.parent.name)
def test_check_summarises(film):
    result = CliRunner().invoke(app, ["check", str(film)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "running time" in result.stdout and "independent render groups" in result.stdout
    assert result.stdout.rstrip().endswith("ok")


def test_check_shows_the_overlap_and_the_cast(reference_film):
    result = CliRunner().invoke(app, ["check", str(reference_film)], terminal_width=200)
    assert "2 scenes, 5 shots, running time 1m28s (2112 frames)" in result.stdout
    assert "transitions overlap 3s" in result.stdout
    assert "arrival-1, arrival-2, storm-1" in result.stdout


def test_check_warns_of_an_unused_character(tmp_path):
    film = tmp_path / "film.yaml"
    film.write_text("title: T\ncharacters: {ghost: {description: pale}}\nlocations: {l: {description: a room}}\n"
                    "scenes: [{id: s, location: l, shots: [{id: a, duration: 1s}]}]\n")
    result = CliRunner().invoke(app, ["check", str(film)], terminal_width=200)
    assert result.exit_code == 0
    assert "warning: character `ghost` never appears" in result.stdout


@pytest.mark.parametrize("film", FILMS, ids=lambda path: path.parent.name)
def test_graph_tree(film):
    result = CliRunner().invoke(app, ["graph", str(film)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "render order" in result.stdout


def test_graph_tree_names_continuity(reference_film):
    result = CliRunner().invoke(app, ["graph", str(reference_film)], terminal_width=200)
    assert "arrival-2" in result.stdout and "starts on the last frame of arrival-1" in result.stdout
    assert "storm-1 → storm-2" in result.stdout


def test_graph_pictures(tmp_path, reference_film):
    runner = CliRunner()
    for name in ("g.svg", "g.png", "g.dot"):
        assert runner.invoke(app, ["graph", str(reference_film), "--out", str(tmp_path / name)]).exit_code == 0
    svg = ET.parse(tmp_path / "g.svg").getroot()
    assert svg.tag.endswith("svg") and len(svg.findall(".//{http://www.w3.org/2000/svg}path")) == 2 + 1  # 2 edges + arrow head
    with Image.open(tmp_path / "g.png") as png:
        assert png.width >= 640 and png.height >= 200
        assert len(png.convert("RGB").getcolors(maxcolors=1 << 20)) > 20  # drawn, not blank
    dot = (tmp_path / "g.dot").read_text()
    assert '"arrival-1" -> "arrival-2"' in dot and '"storm-1" -> "storm-2"' in dot
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.dot", "g.png", "g.svg"]  # no temporary left


def test_graph_refuses_an_unknown_picture_type(tmp_path, reference_film):
    result = CliRunner().invoke(app, ["graph", str(reference_film), "--out", str(tmp_path / "g.gif")])
    assert result.exit_code == 2 and ".svg, .png or .dot" in result.stderr
    assert not (tmp_path / "g.gif").exists()
