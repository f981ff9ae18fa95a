import pytest

from longcut import storyboard
from longcut.storyboard import ScreenplayError, ShotGraph

from .conftest import EXAMPLES


def film(tmp_path, shots: str):
    path = tmp_path / "film.yaml"
    path.write_text("title: T\nlocations: {l: {description: a room}}\nscenes:\n"
                    "  - id: s1\n    location: l\n    shots:\n" + shots)
    return storyboard.load(path)


def test_dependency_order_is_apart_from_editorial_order(tmp_path):
    # c is cut first but continues e, written last: e must render before c.
    sp = film(tmp_path, "      - {id: c, duration: 1s, continues: e}\n      - {id: d, duration: 1s}\n"
              "      - {id: e, duration: 1s}\n      - {id: f, duration: 1s, continues: c}\n")
    graph = ShotGraph(sp)
    assert graph.editorial_order() == ["c", "d", "e", "f"]
    assert graph.dependency_order() == ["d", "e", "c", "f"]
    assert graph.groups() == [["e", "c", "f"], ["d"]]
    assert list(graph.generations()) == [["d", "e"], ["c"], ["f"]]
    assert graph.descendants("e") == ["c", "f"] and graph.parent("f") == "c" and graph.children("e") == ["c"]


def test_a_shot_may_be_continued_by_several_shots(tmp_path):
    sp = film(tmp_path, "      - {id: a, duration: 1s}\n      - {id: b, duration: 1s, continues: a}\n"
              "      - {id: c, duration: 1s, continues: a}\n")
    assert ShotGraph(sp).children("a") == ["b", "c"]


def test_a_long_cycle_is_named(tmp_path):
    sp = film(tmp_path, "      - {id: a, duration: 1s, continues: c}\n      - {id: b, duration: 1s, continues: a}\n"
              "      - {id: c, duration: 1s, continues: b}\n")
    with pytest.raises(ScreenplayError) as caught:
        ShotGraph(sp)
    assert "continuity cycle" in caught.value.problems[0].message
    assert all(f"`{name}`" in caught.value.problems[0].message for name in "abc")


def test_loops_are_node_properties_not_edges(tmp_path):
    sp = film(tmp_path, "      - {id: a, duration: 1s, loop: true}\n")
    graph = ShotGraph(sp)
    assert graph.graph.nodes["a"]["loop"] and graph.graph.number_of_edges() == 0


def test_long_example_groups_cover_every_shot_once():
    graph = ShotGraph(storyboard.load(EXAMPLES / "long/film.yaml"))
    shots = [shot for group in graph.groups() for shot in group]
    assert sorted(shots) == sorted(graph.editorial_order())
    position = {shot: index for index, shot in enumerate(graph.dependency_order())}
    for parent, child in graph.graph.edges:
        assert position[parent] < position[child]
