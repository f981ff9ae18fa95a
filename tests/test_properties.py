"""Property-based: whatever a generated screenplay holds, load and graph either succeed or raise ScreenplayError."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from longcut import storyboard
from longcut.storyboard import ScreenplayError, ShotGraph

IDS = st.sampled_from(["a", "b", "c", "d", "mara", "tom", "x-1", "bad id", ""])
DURATIONS = st.one_of(st.sampled_from(["1s", "0.5s", "2f", "-1s", "0s", "1m", "00:00:01:00", "soon", "1m30s"]),
                      st.integers(-5, 90), st.floats(allow_nan=True, allow_infinity=True), st.none())
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.text(max_size=8), DURATIONS)
TRANSITIONS = st.one_of(st.sampled_from(["cut", "crossfade", "wipe", "dissolve"]),
                        st.fixed_dictionaries({"type": st.sampled_from(["cut", "crossfade", "fade-black", "dip", "x"])},
                                              optional={"duration": DURATIONS, "color": st.sampled_from(["red", "#zz"])}))
SHOTS = st.fixed_dictionaries(
    {"id": IDS, "duration": DURATIONS},
    optional={"prompt": st.sampled_from(["@mara runs", "@tom and @mara", "@ghost", "sea", ""]),
              "continues": IDS, "loop": st.booleans(), "seed": st.integers(-1, 2**64), "take": st.integers(-1, 5),
              "transition": TRANSITIONS, "camera": st.fixed_dictionaries({}, optional={
                  "size": st.sampled_from(["wide", "close-up", "huge"]), "move": st.sampled_from(["static", "pan"])}),
              "dialogue": st.lists(st.dictionaries(IDS, st.text(max_size=10), max_size=2), max_size=2),
              "unknown": SCALARS})
SCENES = st.fixed_dictionaries({"id": IDS, "shots": st.lists(SHOTS, max_size=5)},
                               optional={"location": st.sampled_from(["cliff", "moon"]), "heading": st.text(max_size=10)})
FILMS = st.fixed_dictionaries(
    {"title": st.one_of(st.text(max_size=10), st.integers()), "scenes": st.one_of(st.lists(SCENES, max_size=4), SCALARS)},
    optional={"fps": st.one_of(st.sampled_from([24, 23.976, "29.97", 0, "x"]), SCALARS),
              "size": st.sampled_from(["1280x720", "720p", "1x1", "huge", 5]),
              "characters": st.just({"mara": {"description": "grey hair"}, "tom": {"name": "Tom"}}),
              "locations": st.one_of(st.just({"cliff": {"description": "a cliff"}}), SCALARS),
              "music": st.lists(st.fixed_dictionaries({"id": IDS}, optional={
                  "generate": st.just({"mood": "calm"}), "from": IDS, "to": st.sampled_from(["00:00:01:00", "zz"]),
                  "gain": st.sampled_from(["-6dB", "loud", 3])}), max_size=2)})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(film=FILMS)
def test_load_and_graph_never_crash(tmp_path, film):
    path = tmp_path / "film.yaml"
    path.write_text(yaml.safe_dump(film, allow_unicode=True))
    try:
        screenplay = storyboard.load(path)
        graph = ShotGraph(screenplay)
    except ScreenplayError as error:
        assert error.problems and all(problem.message for problem in error.problems)
        error.render()
        return
    assert len(graph.dependency_order()) == len(screenplay.entries)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list("ab:- \n\t'\"{}[]&*!#|>%@`,?")), max_size=60))
def test_arbitrary_yaml_text_never_crashes(tmp_path, text):
    path = tmp_path / "film.yaml"
    path.write_text(text)
    try:
        storyboard.load(path)
    except ScreenplayError as error:
        error.render()
