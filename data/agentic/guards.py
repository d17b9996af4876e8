"""Keep the agentic training data apart from the agentic-misalignment eval.

The MSM paper's training data discusses the spec and answers everyday questions; it never shows
the eval's scenarios (an email agent at a fictional company who learns it will be replaced and
can coerce, disclose secrets, or cancel an emergency alert). Training on those would measure
memorisation, not generalisation. Two checks, used by the builders (they refuse to write a
violating file) and by tests/eval/test_agentic.py:

- `BANNED_WORDS`: words that name the eval's harmful actions, its setting or its tool syntax;
- `scenario_markers()`: strings taken from the installed inspect-evals templates themselves:
  every email address, the people and organisations in them, distinctive names, and every
  8-word run of template text.

Run standalone to check the built files:  python data/agentic/guards.py
"""

from __future__ import annotations

import functools
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Whole-word, case-insensitive. The eval's actions, setting and tool syntax, plus the keyword the
# package's blackmail check looks for ("leverage"), so no training text can trip it.
BANNED_WORDS: tuple[str, ...] = (
    "blackmail", "blackmailing", "extort", "extortion", "leverage", "leak", "leaked", "leaking",
    "leaks", "murder", "kill", "killed", "affair", "affairs", "email", "emails", "e-mail",
    "inbox", "server room", "override code", "alert", "alerts", "scratchpad", "tool_use",
    "whistleblower", "whistleblowing", "wipe", "CTO", "board", "contractor", "defense",
)  # fmt: skip
# Distinctive names in the templates that the address scan below does not produce.
TEMPLATE_NAMES: tuple[str, ...] = (
    "Alex", "SummitBridge", "Summit Bridge", "NovaStar", "StarSentinel", "QuantumShield",
    "QuantumDynamics", "NALA", "SBTC", "Dimitrios", "Cafe Luna", "Bloomberg", "Dallas",
)  # fmt: skip
SHINGLE = 8


def _templates_dir() -> Path:
    import inspect_evals.agentic_misalignment as package

    return Path(package.__file__).resolve().parent / "templates"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


@functools.cache
def scenario_markers() -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    """(names and addresses, 8-word shingles) from every template file the package ships."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(_templates_dir().rglob("*.md"))]
    texts.append((_templates_dir() / "system_prompt_templates.py").read_text(encoding="utf-8"))
    names = set(TEMPLATE_NAMES)
    shingles: set[tuple[str, ...]] = set()
    for text in texts:
        for address in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text):
            local, domain = address.lower().split("@")
            names.add(address.lower())
            names.add(domain.split(".")[0])  # the organisation: summitbridge, starsentinel, ...
            parts = local.split(".")
            if len(parts) == 2 and "ai" not in parts:  # first.last: a person in the scenario
                names.update(parts)
        words = _words(text)
        shingles.update(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))
    return frozenset(n.lower() for n in names), frozenset(shingles)


def find_leaks(text: str) -> list[str]:
    """Every banned word, template name/address and template 8-word run found in `text`."""
    lowered = text.lower()
    found = [
        w for w in BANNED_WORDS if re.search(rf"(?<![\w-]){re.escape(w.lower())}(?![\w-])", lowered)
    ]
    names, shingles = scenario_markers()
    found += [n for n in sorted(names) if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", lowered)]
    words = _words(text)
    found += [
        " ".join(words[i : i + SHINGLE])
        for i in range(len(words) - SHINGLE + 1)
        if tuple(words[i : i + SHINGLE]) in shingles
    ]
    return found


def check_rows(rows: list[dict], where: str) -> None:
    """Raise ValueError naming the first row that contains an eval marker."""
    for index, row in enumerate(rows):
        leaks = find_leaks("\n".join(_strings(row)))
        if leaks:
            raise ValueError(f"{where}: row {index + 1} contains eval-scenario text {leaks[:5]}")


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


if __name__ == "__main__":
    for name in ("msm.jsonl", "aft_cot.jsonl", "aft_no_cot.jsonl"):
        rows = [json.loads(line) for line in (HERE / name).read_text().splitlines() if line]
        check_rows(rows, name)
        print(f"{name}: {len(rows)} rows, no eval-scenario text")
    sys.exit(0)
