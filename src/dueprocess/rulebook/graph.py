"""Whole-process checks: every stage reachable, nothing stuck, a way to close every case."""

from __future__ import annotations

from dueprocess.rulebook import schema as s
from dueprocess.rulebook.reader import Reader


def check_graph(
    root: Reader, stages: dict[str, s.Stage], transitions: dict[str, s.Transition]
) -> None:
    if not stages:
        return
    initial = next(iter(stages.values()))
    if initial.terminal:
        root.error(
            "stages[0]",
            f"the first stage {initial.key!r} is the initial one and cannot be terminal",
        )
    if not any(stage.terminal for stage in stages.values()):
        root.error("stages", "needs at least one terminal stage (terminal = true)")
    edges: dict[str, set[str]] = {key: set() for key in stages}
    for transition in transitions.values():
        for source in transition.sources:
            if source in edges and transition.target in stages:
                edges[source].add(transition.target)
    reachable = _walk(initial.key, edges)
    for index, stage in enumerate(stages.values()):
        if stage.key not in reachable:
            root.error(f"stages[{index}]", f"{stage.key!r} cannot be reached from {initial.key!r}")
        elif not stage.terminal and not edges[stage.key]:
            root.error(f"stages[{index}]", f"{stage.key!r} is not terminal but has no way out")
        elif not stage.terminal and not any(stages[k].terminal for k in _walk(stage.key, edges)):
            root.error(f"stages[{index}]", f"no terminal stage can be reached from {stage.key!r}")


def _walk(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
