"""The shot graph: which shot needs a frame of which, kept apart from the order the film is cut in.

Nodes are shot ids. An edge ``a -> b`` means "b needs a frame of a": b ``continues`` a, so b's
first frame is a's last. A ``loop`` shot needs its own first frame as its last; that is a property
of the node (``loop=True``), not an edge, since it asks nothing of another shot.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from .collector import collector_paused
from .errors import Problem, ScreenplayError
from .screenplay import Screenplay


class ShotGraph:
    def __init__(self, screenplay: Screenplay) -> None:
        with collector_paused():  # storyboard.collector
            self._build(screenplay)

    def _build(self, screenplay: Screenplay) -> None:
        self.screenplay = screenplay
        graph = nx.DiGraph()
        for entry in screenplay.entries:
            graph.add_node(entry.shot.id, index=entry.index, scene=entry.scene.id, loop=entry.shot.loop)
        for entry in screenplay.entries:
            if entry.shot.continues is not None:
                graph.add_edge(entry.shot.continues, entry.shot.id, kind="continues")
        self.graph = graph
        self._order = self._dependency_order()

    def _dependency_order(self) -> tuple[str, ...]:
        """The order, made once (the graph does not change): a film's commands ask for it many times. A sort that
        cannot finish is a cycle, found only then (a cycle search on every load was a tenth of loading a
        10,000-shot film)."""
        index = self.graph.nodes
        try:
            return tuple(nx.lexicographical_topological_sort(self.graph, key=lambda shot: index[shot]["index"]))
        except nx.NetworkXUnfeasible:
            self._refuse_cycles()
            raise

    def _refuse_cycles(self) -> None:
        try:
            cycle = nx.find_cycle(self.graph)
        except nx.NetworkXNoCycle:
            return
        shots = [edge[0] for edge in cycle] + [cycle[0][0]]
        # Report it at the `continues:` that closes the loop, the one written last in the film.
        last = max((self.screenplay.by_id[edge[1]] for edge in cycle), key=lambda entry: entry.index)
        raise ScreenplayError([Problem(
            "continuity cycle: " + " -> ".join(f"`{shot}`" for shot in shots),
            self.screenplay.source.value(last.path + ("continues",)),
            hint="each of these shots starts on the last frame of the one before it, so none can be made first; "
            "remove one `continues:`",
        )])

    # -- orders ----------------------------------------------------------------------------

    def editorial_order(self) -> list[str]:
        """Shots as the film is cut: scene order, then shot order within the scene."""
        return [entry.shot.id for entry in self.screenplay.entries]

    def dependency_order(self) -> list[str]:
        """Every shot after the shots it needs a frame of; ties broken by editorial order."""
        return list(self._order)

    def parents(self, shot_id: str) -> list[str]:
        return list(self.graph.predecessors(shot_id))

    def parent(self, shot_id: str) -> str | None:
        parents = self.parents(shot_id)
        return parents[0] if parents else None

    def children(self, shot_id: str) -> list[str]:
        return sorted(self.graph.successors(shot_id), key=lambda shot: self.graph.nodes[shot]["index"])

    def descendants(self, shot_id: str) -> list[str]:
        """Every shot that takes a frame, directly or down a chain, from shot_id; in dependency order."""
        below = nx.descendants(self.graph, shot_id)
        return [shot for shot in self._order if shot in below]

    def groups(self) -> list[list[str]]:
        """Independent groups: chains of shots that share frames. Different groups can render in parallel."""
        group_of: dict[str, int] = {}
        for number, component in enumerate(nx.weakly_connected_components(self.graph)):
            group_of.update(dict.fromkeys(component, number))
        groups: dict[int, list[str]] = {}
        for shot in self._order:  # each group inherits the film's dependency order
            groups.setdefault(group_of[shot], []).append(shot)
        index = self.graph.nodes
        return sorted(groups.values(), key=lambda group: min(index[shot]["index"] for shot in group))

    def generations(self) -> Iterator[list[str]]:
        """Waves of shots whose frames are all available once the waves before them are done."""
        for generation in nx.topological_generations(self.graph):
            yield sorted(generation, key=lambda shot: self.graph.nodes[shot]["index"])

    def __len__(self) -> int:
        return self.graph.number_of_nodes()
