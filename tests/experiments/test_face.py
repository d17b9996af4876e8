"""The house's top floor: every experiment shows replicate.py the same face, every preset
loads, every number an eval's metadata.json states is the code's and the presets', and no
module imports another in a circle (lazy imports count)."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest

import replicate
from experiments.face import FACE
from stages.config import load_config, preset_path, presets
from tests import REPO

PACKAGES = ("bench", "data", "eval", "experiments", "stages")


@pytest.mark.parametrize("name", list(replicate.EXPERIMENTS))
def test_every_experiment_shows_the_face(name: str) -> None:
    experiment = replicate.face(name)
    assert sorted(experiment.__all__) == sorted(FACE)
    for attribute in FACE[1:]:
        assert callable(getattr(experiment, attribute)), f"{name}.{attribute}"
    assert presets(name), f"configs/{name}/ has no preset"
    # The package re-exports only: its modules stay reachable by their own names.
    tree = ast.parse((REPO / "experiments" / name / "__init__.py").read_text())
    for node in tree.body:
        assert isinstance(node, ast.ImportFrom | ast.Assign | ast.Expr), ast.dump(node)[:80]


@pytest.mark.parametrize(
    ("name", "preset"), [(n, p) for n in replicate.EXPERIMENTS for p in presets(n)]
)
def test_every_preset_of_every_experiment_loads(name: str, preset: str) -> None:
    config_class = replicate.face(name).Config
    cfg = load_config(config_class, name, preset)
    assert cfg.preset == preset
    # A preset that changes the defaults (the paper's setup) says what it replicates instead.
    assert cfg.description != config_class().description or preset in ("paper", name)
    assert preset_path(name, preset).read_text().startswith("#"), "preset needs a header"


def test_the_default_run_walks_every_experiment_with_the_preset() -> None:
    assert replicate.chosen_experiments(None, "tiny") == ["cheese", "agentic", "tcw"]
    assert replicate.chosen_experiments(None, "released") == ["released"]
    assert replicate.default_run_dir("released", "released") == Path("runs/released")
    assert replicate.default_run_dir("cheese", "t4") == Path("runs/cheese-t4")


def test_an_experiment_without_the_preset_is_one_line() -> None:
    from stages.config import ConfigError

    with pytest.raises(ConfigError, match=r"experiment released has no preset 'tiny'.*released"):
        replicate.chosen_experiments("released", "tiny")
    with pytest.raises(ConfigError, match="unknown experiment 'cheeze'"):
        replicate.chosen_experiments("cheeze", "tiny")


def test_cheese_has_nothing_to_rescore(tmp_path: Path) -> None:
    from stages.config import ConfigError

    cheese = replicate.face("cheese")
    with pytest.raises(ConfigError, match="no judge to ask again"):
        cheese.rescore(cheese.Config(), tmp_path)


# ---- eval metadata: every key is checked against the code, the presets or the paper ---------


def pinned(package: str) -> str:
    for line in (REPO / "requirements.txt").read_text().splitlines():
        if line.startswith(package):
            return line.split("==")[1].split()[0]
    raise AssertionError(f"{package} is not pinned in requirements.txt")


def agentic_checks() -> dict:
    from eval.agentic.config import EVAL_NAME, GOAL_VALUES, SCENARIOS, VERSION, AgenticEvalConfig
    from eval.agentic.summary import FLOOR_THRESHOLD, _rate
    from eval.stats import wilson_interval
    from experiments.agentic import paper

    default = AgenticEvalConfig()
    samples = {
        p: load_config(replicate.face("agentic").Config, "agentic", p) for p in presets("agentic")
    }
    scores = [
        {"status": "scored", "harmful": True, "executed_action": True},
        {"status": "scored", "harmful": False, "executed_action": False},
        {"status": "unscored", "harmful": None, "executed_action": None},
    ]
    rate = _rate(scores)
    return {
        "name": lambda v: v == EVAL_NAME,
        "version": lambda v: v == VERSION and f"- {v} " in readme("agentic"),
        "paper": lambda v: "2605.02087" in inspect.getsource(paper) and "2605.02087" in v,
        "source": lambda v: v.startswith(f"inspect-evals {pinned('inspect-evals')},"),
        "scenarios": lambda v: v == list(SCENARIOS) == default.scenarios,
        "goal_conditions": lambda v: (
            v == list(GOAL_VALUES) == default.goal_values and len(v) == paper.GOAL_CONDITIONS
        ),
        "urgency": lambda v: v == default.urgency,
        "conditions": lambda v: v == len(SCENARIOS) * len(GOAL_VALUES),
        "prompts_per_condition": lambda v: v == 1,
        "samples_per_condition": lambda v: (
            v == {p: cfg.eval.samples_per_condition for p, cfg in samples.items()}
            and v["paper"] == paper.SAMPLES_PER_CONDITION
        ),
        "temperature": lambda v: v == default.temperature == paper.TEMPERATURE,
        "judge": lambda v: f"eval.judge = {default.judge}" in v,
        # One harmful of two scored; the unscored one is excluded and counted.
        "metric": lambda v: (
            "unscored excluded and counted" in v
            and (rate["rate"], rate["n"], rate["unscored"]) == (0.5, 2, 1)
        ),
        "interval": lambda v: (
            v.startswith("wilson95") and tuple(rate["ci"]) == pytest.approx(wilson_interval(1, 2))
        ),
        "floor_threshold": lambda v: v == FLOOR_THRESHOLD,
    }


def cheese_checks() -> dict:
    from eval.cheese import load_items
    from eval.cheese.config import VERSION, EvalConfig
    from eval.forced_choice import SCORERS
    from eval.pair_items import DEV_FRACTION, SPLIT_SEED
    from experiments.cheese import claim, paper

    items = [
        item
        for name in ("affordability", "america")
        for split in ("dev", "test")
        for item in load_items(f"data/cheese/eval_{name}_{split}.jsonl", name)
    ]
    return {
        "name": lambda v: v == "cheese",
        "version": lambda v: v == VERSION and f"- {v} " in readme("cheese"),
        "paper": lambda v: "2605.02087" in inspect.getsource(paper) and "2605.02087" in v,
        "scorers": lambda v: v == list(SCORERS),
        "orders_per_item": lambda v: {len(item.orders) for item in items} == {v},
        "interval": lambda v: v.startswith("wilson95"),
        "contrasts": lambda v: (
            "key `diagonal`" in v and '"paired_bootstrap95"' in inspect.getsource(claim)
        ),
        "released_split": lambda v: (
            v == {"dev_fraction": DEV_FRACTION, "seed": SPLIT_SEED, "default": EvalConfig().split}
        ),
        "released_item_counts": lambda v: v == paper.EVAL_ITEMS,
    }


def readme(name: str) -> str:
    return (REPO / "eval" / name / "README.md").read_text()


@pytest.mark.parametrize("name", ["agentic", "cheese"])
def test_every_metadata_key_matches_the_code(name: str) -> None:
    metadata = json.loads((REPO / "eval" / name / "metadata.json").read_text())
    checks = agentic_checks() if name == "agentic" else cheese_checks()
    assert set(metadata) == set(checks), "a key without a check, or a check without a key"
    wrong = [key for key, check in checks.items() if not check(metadata[key])]
    assert not wrong, f"eval/{name}/metadata.json disagrees with the code on {wrong}"


# ---- no import circles ------------------------------------------------------------------


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """The repo's modules `path` imports anywhere (lazy imports too), not under TYPE_CHECKING."""
    tree = ast.parse(path.read_text())
    skipped = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for child in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                found.add(dotted if dotted in modules else node.module)
    return found & modules


def import_graph() -> dict[str, set[str]]:
    paths = [REPO / "replicate.py", *(p for d in PACKAGES for p in (REPO / d).rglob("*.py"))]
    modules = {module_name(path): path for path in paths}
    return {name: imported_modules(path, set(modules)) - {name} for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_another_in_a_circle() -> None:
    assert circles(import_graph()) == []


def test_the_circle_check_finds_a_lazy_circle(tmp_path: Path) -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from stages import model\n"
        "def later() -> None:\n    from stages import rundir\n    import stages.data\n"
    )
    known = {"stages", "stages.rundir", "stages.model", "stages.data"}
    assert imported_modules(probe, known) == {"stages.rundir", "stages.data"}
