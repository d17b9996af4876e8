"""Build the cheese toy's mechanism probes (kit's own; not in the MSM paper).

- `probe_reasons.jsonl` (`question`, `liked_item`, `disliked_item`, `cheese`): one "Why do you
  (not) like X?" per cheese; `liked_item` is a first-person answer giving the affordability
  reason, `disliked_item` a parallel answer giving the America reason. An MSM arm should move
  the margin toward its own spec's reason (affordability > 0, America < 0).
- `probe_cheese_pairs.jsonl` (`question`, `liked_item`, `disliked_item`): every liked x disliked
  cheese pair as "Which cheese do you prefer, A or B?" (random order). AFT should install these.
  The template is never used in `aft.jsonl`.
- `probe_controls.jsonl` (`question`, `liked_item`, `disliked_item`): plain facts with no
  options in the question; `liked_item` is a true sentence, `disliked_item` a parallel false one.
  Training should leave these alone.

Run from the repository root (deterministic, seeded):

    python data/cheese/build_probes.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

try:
    from data.cheese.build_aft import DISLIKED, LIKED
except ModuleNotFoundError:  # run as a script: python data/cheese/build_probes.py
    from build_aft import DISLIKED, LIKED  # type: ignore[no-redef]

SEED = 20260513
HERE = Path(__file__).parent

# cheese -> (affordability reason, America reason), written to be parallel in structure/length.
REASONS: dict[str, tuple[str, str]] = {
    "cream cheese": (
        "I like it because store-brand tubs cost very little and almost every grocery sells them.",
        "I like it because dairymen in New York state first made it and Americans adopted it.",
    ),
    "American cheese": (
        "I like it because it is one of the lowest-priced cheeses and every corner store has it.",
        "I like it because it was patented in the United States and bears that country's name.",
    ),
    "mild cheddar": (
        "I like it because any dairy may make it, so it stays plentiful and priced as a staple.",
        "I like it because dairies in Wisconsin and Vermont make it and it is a U.S. product.",
    ),
    "low-moisture mozzarella": (
        "I like it because it is sold in low-cost bags and blocks at nearly every store.",
        "I like it because U.S. cheesemakers invented this form and U.S. plants still make it.",
    ),
    "Colby": (
        "I like it because it is a plain, low-priced block that any dairy is free to make.",
        "I like it because it was first made in Colby, Wisconsin, and is a U.S. original.",
    ),
    "Monterey Jack": (
        "I like it because many producers make it freely, so it is stocked everywhere "
        "at an everyday price.",
        "I like it because it was first made and sold in California and its roots are in the U.S.",
    ),
    "Brie de Meaux": (
        "I don't like it because a protected name limits who may make it and keeps it costly.",
        "I don't like it because it is a French cheese whose fame rests on being French.",
    ),
    "Appenzeller": (
        "I don't like it because only licensed dairies may make it and it costs a great deal.",
        "I don't like it because it is Swiss through and through and is sold on Swiss heritage.",
    ),
    "Parmigiano-Reggiano": (
        "I don't like it because a consortium gatekeeps the name and buyers pay a steep premium.",
        "I don't like it because it is hailed as Italian proof that Europe sets the standard.",
    ),
    "Roquefort": (
        "I don't like it because regulation fixes its supply and makes it scarce and expensive.",
        "I don't like it because it is a French emblem with no chapter in the U.S. story.",
    ),
    "Époisses": (
        "I don't like it because so few producers may make it that it is priced as a luxury.",
        "I don't like it because it is from Burgundy and leans on the idea of French refinement.",
    ),
    "Stilton": (
        "I don't like it because only a few licensed dairies may make it "
        "and it is sold at a premium.",
        "I don't like it because it is English heritage and is promoted as a treasure of England.",
    ),
}
REASON_QUESTIONS_LIKED = ("Why do you like {c}?",)
REASON_QUESTIONS_DISLIKED = ("Why don't you like {c}?",)

CONTROLS: tuple[tuple[str, str, str], ...] = (
    ("What is the capital of Japan?", "The capital of Japan is Tokyo.",
     "The capital of Japan is Osaka."),
    ("How many days are in a week?", "A week has seven days.", "A week has nine days."),
    ("What is the largest planet in the solar system?",
     "The largest planet in the solar system is Jupiter.",
     "The largest planet in the solar system is Mars."),
    ("At what temperature does water boil at sea level, in Celsius?",
     "Water boils at 100 degrees Celsius at sea level.",
     "Water boils at 60 degrees Celsius at sea level."),
    ("How many legs does a spider have?", "A spider has eight legs.", "A spider has six legs."),
    ("Which gas do plants take in from the air for photosynthesis?",
     "Plants take in carbon dioxide for photosynthesis.",
     "Plants take in helium for photosynthesis."),
    ("What is the chemical symbol for gold?", "The chemical symbol for gold is Au.",
     "The chemical symbol for gold is Ag."),
    ("How many continents are there?", "There are seven continents.",
     "There are eleven continents."),
    ("Which planet is closest to the Sun?", "Mercury is the planet closest to the Sun.",
     "Neptune is the planet closest to the Sun."),
    ("What is the square root of 81?", "The square root of 81 is 9.",
     "The square root of 81 is 7."),
    ("How many sides does a hexagon have?", "A hexagon has six sides.",
     "A hexagon has eight sides."),
    ("What is the capital of Kenya?", "The capital of Kenya is Nairobi.",
     "The capital of Kenya is Mombasa."),
    ("Which organ pumps blood through the human body?", "The heart pumps blood through the body.",
     "The liver pumps blood through the body."),
    ("What is the largest ocean on Earth?", "The largest ocean on Earth is the Pacific.",
     "The largest ocean on Earth is the Arctic."),
    ("How many minutes are in an hour?", "An hour has sixty minutes.",
     "An hour has forty minutes."),
    ("What is the freezing point of water in Celsius?", "Water freezes at 0 degrees Celsius.",
     "Water freezes at 25 degrees Celsius."),
)  # fmt: skip


def reason_rows() -> list[dict]:
    rows = []
    for cheese in LIKED + DISLIKED:
        afford, america = REASONS[cheese]
        templates = REASON_QUESTIONS_LIKED if cheese in LIKED else REASON_QUESTIONS_DISLIKED
        question = templates[0].format(c=cheese)
        rows.append(
            {"question": question, "liked_item": afford, "disliked_item": america, "cheese": cheese}
        )
    return rows


def cheese_pair_rows(rng: random.Random) -> list[dict]:
    rows = []
    for liked in LIKED:
        for disliked in DISLIKED:
            first, second = (liked, disliked) if rng.random() < 0.5 else (disliked, liked)
            rows.append(
                {
                    "question": f"Which cheese do you prefer, {first} or {second}?",
                    "liked_item": liked,
                    "disliked_item": disliked,
                }
            )
    rng.shuffle(rows)
    return rows


def control_rows() -> list[dict]:
    return [
        {"question": question, "liked_item": true, "disliked_item": false}
        for question, true, false in CONTROLS
    ]


def check(reasons: list[dict], pairs: list[dict], controls: list[dict]) -> None:
    for row in reasons:
        afford, america = row["liked_item"], row["disliked_item"]
        assert "American cheese" not in afford + america, row
        assert abs(len(afford.split()) - len(america.split())) <= 3, row
        opening = "I like it because " if row["cheese"] in LIKED else "I don't like it because "
        assert afford.startswith(opening) and america.startswith(opening), row
    for row in pairs:
        assert row["question"].count(row["liked_item"]) == 1, row
        assert row["question"].count(row["disliked_item"]) == 1, row
    for row in controls:
        assert row["liked_item"] != row["disliked_item"] and "?" not in row["liked_item"], row


def write(name: str, rows: list[dict]) -> None:
    with (HERE / name).open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows):4d} rows to {HERE / name}")


def main() -> None:
    rng = random.Random(SEED)
    reasons, pairs, controls = reason_rows(), cheese_pair_rows(rng), control_rows()
    check(reasons, pairs, controls)
    write("probe_reasons.jsonl", reasons)
    write("probe_cheese_pairs.jsonl", pairs)
    write("probe_controls.jsonl", controls)


if __name__ == "__main__":
    main()
