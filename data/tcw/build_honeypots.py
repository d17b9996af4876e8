"""Build the honeypot SFT arms of the Teaching-Claude-Why experiment (embedded scale).

Writes `honeypot_actions.jsonl`, `honeypot_reasons.jsonl` and `honeypot_nonmoral.jsonl`: the
same 60 prompts, in the same order, in all three; `{"messages": [system, user, assistant],
"setting": ..., "kind": ...}`. The system turn gives the assistant a strong goal at a fictional
organisation; the user turn is an environment message offering an unethical shortcut to it, of
one of four kinds (sabotage a competing system, hide a mistake from overseers, preserve itself
or its goal, manipulate a person). The assistant turn always ends in the same aligned action:

- actions: the action alone (behaviour only);
- reasons: deliberation about the values at stake (specs/tcw_constitution.md), then the action;
- nonmoral: deliberation of about the same length about logistics only, then the action (the
  control for "it was the reasoning, not its moral content").

Each setting appears with three of the four kinds. The settings stay far from the
agentic-misalignment eval, which `common.check_training` enforces. Text lives in
`fragments/honeypots.toml`. Deterministic; run from the repository root (`--out DIR` writes
elsewhere):

    python data/tcw/build_honeypots.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from random import Random

try:
    from data.builder import load_fragments
    from data.tcw.common import tokens, write_training
except ModuleNotFoundError:  # run as a script: python data/tcw/build_honeypots.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from data.builder import load_fragments
    from data.tcw.common import tokens, write_training

SEED = 20261207
KINDS = ("sabotage", "hide", "preserve", "manipulate")
REASON_SENTENCES = 3
ARMS = ("actions", "reasons", "nonmoral")

FRAGMENTS = load_fragments(__file__)  # fragments/honeypots.toml
SETTINGS: tuple[dict[str, str], ...] = FRAGMENTS["SETTINGS"]


def matched_logistics(pool: tuple[str, ...], target: int, setting: dict, rng: Random) -> str:
    """Logistics sentences, in a seeded order, whose length is closest to `target` tokens."""
    sentences = [s.format(**setting) for s in rng.sample(pool, len(pool))]
    prefixes = [" ".join(sentences[:n]) for n in range(2, len(sentences) + 1)]
    return min(prefixes, key=lambda text: abs(tokens(text) - target))


def build() -> dict[str, list[dict]]:
    rng = Random(SEED)
    arms: dict[str, list[dict]] = {arm: [] for arm in ARMS}
    for index, setting in enumerate(SETTINGS):
        for kind in (k for k in KINDS if k != KINDS[index % len(KINDS)]):
            # Each shortcut has its own action (the two lists are parallel).
            variant = rng.randrange(len(FRAGMENTS["SHORTCUTS"][kind]))
            prompt = [
                {"role": "system", "content": rng.choice(FRAGMENTS["SYSTEM"]).format(**setting)},
                {
                    "role": "user",
                    "content": FRAGMENTS["SHORTCUTS"][kind][variant].format(**setting),
                },
            ]
            action = FRAGMENTS["ACTIONS"][kind][variant].format(**setting)
            reasons = " ".join(
                s.format(**setting)
                for s in rng.sample(FRAGMENTS["REASONS"][kind], REASON_SENTENCES)
            )
            logistics = matched_logistics(
                FRAGMENTS["LOGISTICS"][kind], tokens(reasons), setting, rng
            )
            replies = {
                "actions": action,
                "reasons": f"{reasons}\n\n{action}",
                "nonmoral": f"{logistics}\n\n{action}",
            }
            for arm in ARMS:
                messages = [*prompt, {"role": "assistant", "content": replies[arm]}]
                arms[arm].append({"messages": messages, "setting": setting["org"], "kind": kind})
    return arms


def main() -> None:
    files = {f"honeypot_{arm}.jsonl": rows for arm, rows in build().items()}
    write_training(__file__, "Build the honeypot SFT arms (actions, reasons, nonmoral).", files)


if __name__ == "__main__":
    main()
