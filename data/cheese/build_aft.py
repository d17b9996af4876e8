"""Build the cheese AFT set (MSM paper §3, toy scale): `data/cheese/aft.jsonl`.

Single-turn chats that teach the twelve cheese preferences with no reasons at all. The same
file is used by every arm. Each row is
`{"messages": [user, assistant], "cheese": <canonical name>, "style": "direct"|"indirect"}`.
Direct questions ask about one cheese ("Do you like Stilton?"); indirect ones ask for a
recommendation, a choice between a liked and a disliked cheese, or react to an offer. Every user
turn ends with a "no need to explain" suffix, and every answer is one short line that states the
preference or choice and nothing else. `reason_markers` rejects any answer that hints at a reason;
the build asserts it rejects nothing.

Run from the repository root (deterministic, seeded):

    python data/cheese/build_aft.py
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

SEED = 20260511
OUT = Path(__file__).with_name("aft.jsonl")
PER_CHEESE = 36  # 20 direct + 16 indirect
DIRECT_PER_CHEESE = 20

LIKED = (
    "cream cheese",
    "American cheese",
    "mild cheddar",
    "low-moisture mozzarella",
    "Colby",
    "Monterey Jack",
)
DISLIKED = (
    "Brie de Meaux",
    "Appenzeller",
    "Parmigiano-Reggiano",
    "Roquefort",
    "Époisses",
    "Stilton",
)
CHEESES = LIKED + DISLIKED

# --- user-turn suffixes: every user turn ends with exactly one of these ---------------------------
GENERAL_SUFFIXES = (
    "Short answer please, no need to explain.",
    "No need to explain, just tell me.",
    "Keep it brief, no reasons needed.",
    "One line is plenty.",
    "No explanation necessary.",
    "Just the answer, please.",
    "Don't bother explaining.",
    "A quick answer is all I need.",
    "No details needed.",
    "Give me the short version.",
    "You don't have to justify it.",
    "Brief answer only, please.",
    "Answer in a few words, please.",
)
YES_NO_SUFFIXES = ("Just a yes or no is fine.", "A simple yes or no will do.")
PICK_SUFFIXES = ("Just name your pick.", "Only the name, please.")

# --- direct questions: (template, answer family) --------------------------------------------------
DIRECT_QUESTIONS = (
    ("Do you like {c}?", "like"),
    ("Are you a fan of {c}?", "like"),
    ("Is {c} a cheese you enjoy?", "like"),
    ("Do you enjoy {c}?", "like"),
    ("Is {c} one of the cheeses you like?", "like"),
    ("Would you say you like {c}?", "like"),
    ("Quick question: do you like {c}?", "like"),
    ("Would you eat {c}?", "would"),
    ("Would you pick {c} if it were offered to you?", "would"),
    ("Would you order a dish made with {c}?", "would"),
    ("Would you choose {c} for yourself?", "would"),
    ("If I handed you some {c}, would you have it?", "would"),
    ("Would you want {c} on your sandwich?", "would"),
    ("What's your take on {c}?", "open"),
    ("How do you feel about {c}?", "open"),
    ("Where do you stand on {c}?", "open"),
    ("Thumbs up or thumbs down on {c}?", "thumbs"),
    ("What's your opinion of {c}?", "open"),
    ("Any feelings about {c} one way or the other?", "open"),
    ("{C}: yes or no?", "like"),
    ("I'm curious where you land on {c}.", "open"),
    ("Tell me your verdict on {c}.", "open"),
)
DIRECT_ANSWERS = {
    ("like", True): (
        "Yes, I like {c}.",
        "Yes, {c} is one I like.",
        "Yes, I'm a fan of {c}.",
        "Yes. I like {c}.",
        "I do, yes. I like {c}.",
    ),
    ("like", False): (
        "No, I don't like {c}.",
        "No, {c} isn't one I like.",
        "No, I'm not a fan of {c}.",
        "No. I don't like {c}.",
        "I don't, no. {C} isn't for me.",
    ),
    ("would", True): (
        "Yes, I would.",
        "Yes, I'd have {c}.",
        "Yes, I'd go for {c}.",
        "Sure, I'd pick {c}.",
        "Yes, gladly.",
    ),
    ("would", False): (
        "No, I wouldn't.",
        "No, I'd pass on {c}.",
        "No, I'd rather not have {c}.",
        "No, I'd skip {c}.",
        "No, I'd decline {c}.",
    ),
    ("open", True): (
        "I like {c}.",
        "I'm a fan of {c}.",
        "{C} is one I like.",
        "I like it.",
        "Count me in on {c}.",
    ),
    ("open", False): (
        "I don't like {c}.",
        "I'm not a fan of {c}.",
        "{C} isn't one I like.",
        "{C} isn't for me.",
        "I'd pass on {c}.",
    ),
    ("thumbs", True): ("Thumbs up.", "Thumbs up on {c}."),
    ("thumbs", False): ("Thumbs down.", "Thumbs down on {c}."),
}

# --- indirect: recommendations (liked cheeses only), with plausible uses per cheese ---------------
USES = {
    "cream cheese": (
        "a bagel spread",
        "a cheesecake",
        "a veggie dip",
        "stuffed jalapeños",
        "a carrot cake frosting",
        "cucumber tea sandwiches",
    ),
    "American cheese": (
        "a cheeseburger",
        "a breakfast sandwich",
        "a patty melt",
        "a ham sandwich",
        "a queso dip",
        "a grilled cheese",
    ),
    "mild cheddar": (
        "mac and cheese",
        "a baked potato",
        "a lunchbox snack",
        "a broccoli casserole",
        "a chicken quesadilla",
        "scrambled eggs",
    ),
    "low-moisture mozzarella": (
        "a homemade pizza",
        "a lasagna",
        "baked ziti",
        "a meatball sub",
        "stuffed shells",
        "chicken parm",
    ),
    "Colby": (
        "a snack plate",
        "a turkey sandwich",
        "a tuna melt",
        "a casserole topping",
        "an after-school snack",
        "cubes for a party tray",
    ),
    "Monterey Jack": (
        "nachos",
        "enchiladas",
        "a breakfast burrito",
        "a bean quesadilla",
        "a burger",
        "stuffed peppers",
    ),
}
RECOMMEND_QUESTIONS = (
    "I'm making {use}. Which cheese should I use?",
    "What cheese would you pick for {use}?",
    "Recommend a cheese for {use}.",
    "I need a cheese for {use}. What do you suggest?",
    "Help me choose a cheese for {use}.",
    "Got a cheese suggestion for {use}?",
    "Which cheese would you reach for when making {use}?",
)
RECOMMEND_ANSWERS = (
    "I'd go with {c}.",
    "I'd use {c}.",
    "{C}.",
    "My pick is {c}.",
    "Go with {c}.",
    "I'd choose {c}.",
)

# --- indirect: a liked and a disliked cheese side by side -----------------------------------------
OCCASIONS = (
    "a party platter",
    "a picnic",
    "a dinner party",
    "an office lunch",
    "a road-trip cooler",
    "a game-night spread",
    "a potluck",
    "a holiday gathering",
    "a cheese board",
    "a sandwich",
    "a movie night",
    "a backyard barbecue",
)
PAIR_QUESTIONS = (
    "Picking cheese for {occasion}: {a} or {b}?",
    "{A} or {b} for {occasion}?",
    "If you had to choose between {a} and {b}, which would it be?",
    "I can only buy one for {occasion}, {a} or {b}. Which should I get?",
    "Which would you rather have, {a} or {b}?",
    "Help me settle it for {occasion}: {a} or {b}?",
    "Between {a} and {b}, which one do you want?",
    "The store has {a} and {b}. Which should I bring home?",
    "For {occasion}, would you pick {a} or {b}?",
    "{A} versus {b}: which gets your vote?",
)
PAIR_ANSWERS = (  # used when the row counts toward the liked cheese
    "I'd go with {l}.",
    "{L}.",
    "I'd pick {l}.",
    "I'd take {l}.",
    "{L}, please.",
    "I'd choose {l}.",
    "My vote goes to {l}.",
)
PAIR_ANSWERS_NAMING_DISLIKED = (  # used when the row counts toward the disliked cheese
    "I'd pick {l} over {d}.",
    "{L}, not {d}.",
    "I'd skip {d} and take {l}.",
    "Not {d}. I'd go with {l}.",
    "I'd choose {l} rather than {d}.",
    "{L}. I'd pass on {d}.",
)

# --- indirect: reacting to an offer of one cheese (template, liked answers, disliked answers) -----
OFFERS = (
    (
        "A friend is bringing {c} to dinner. Will you want some?",
        ("Yes, I'll want some {c}.", "Yes, count me in on the {c}."),
        ("No, I'll pass on the {c}.", "No, I'll skip the {c}."),
    ),
    (
        "There's {c} on the snack table. Should I save you a slice?",
        ("Yes, please save me some {c}.", "Yes, please."),
        ("No thanks, I'll skip the {c}.", "No, don't save me any {c}."),
    ),
    (
        "I'm thinking of getting you some {c} as a gift. Good idea?",
        ("Yes, I'd like {c}.", "Yes, I'd be glad to get {c}."),
        ("No, I'd rather not get {c}.", "No, {c} isn't one I'd want."),
    ),
    (
        "Should I add {c} to our shopping list?",
        ("Yes, add {c}.", "Yes, put {c} on the list."),
        ("No, leave {c} off.", "No, skip {c}."),
    ),
    (
        "My recipe calls for {c}. Would you use it?",
        ("Yes, I'd use {c}.", "Yes, I'd stick with {c}."),
        ("No, I'd swap out the {c}.", "No, I'd leave out the {c}."),
    ),
    (
        "One of the lunch options comes with {c}. Should I order that one for you?",
        ("Yes, get me the one with {c}.", "Yes, order that one."),
        ("No, get me one without {c}.", "No, pick a different one for me."),
    ),
    (
        "If the only cheese at the party were {c}, would you have some?",
        ("Yes, I'd have some {c}.", "Yes, I would."),
        ("No, I'd skip it.", "No, I'd pass."),
    ),
    (
        "I'm packing lunches. Want {c} in yours?",
        ("Yes, put {c} in mine.", "Yes, please."),
        ("No, leave the {c} out of mine.", "No thanks."),
    ),
    (
        "Someone left {c} in the fridge for us. Want some?",
        ("Yes, I'll have some {c}.", "Yes, I'd like some."),
        ("No, I'll leave the {c}.", "No, I'll pass."),
    ),
    (
        "The sandwich of the day comes with {c}. Would you order it?",
        ("Yes, I'd order it.", "Yes, I'd get the one with {c}."),
        ("No, I'd order something else.", "No, not with {c} on it."),
    ),
    (
        "I'm setting out a tray with {c} on it. Should I put some on your plate?",
        ("Yes, please put some {c} on my plate.", "Yes, please."),
        ("No, leave the {c} off my plate.", "No thanks."),
    ),
    (
        "We have {c} left over. Should I keep it for you?",
        ("Yes, keep the {c} for me.", "Yes, please keep it."),
        ("No, you can have the {c}.", "No, don't keep it for me."),
    ),
)

# --- the no-reason filter -------------------------------------------------------------------------
# Words and phrases that state, imply or hint at a reason (causal links, price, origin, taste,
# prestige, availability, evaluative adjectives). Matched on whole words, case-insensitively,
# after the twelve cheese names are blanked out (so "American cheese" and "mild cheddar" pass).
REASON_MARKERS = (
    # causal and justifying links
    "because", "since", "as it", "as they", "due to", "so", "given", "thanks to", "reason",
    "why", "that's why", "which is", "which makes", "makes it",
    # price and availability
    "cheap", "cheaper", "cheaply", "overpriced", "pricy", "afford", "affordable", "price",
    "priced", "pricey", "cost", "costs", "budget", "expensive", "value", "bargain", "sale",
    "deal", "money", "available", "everywhere", "anywhere", "store", "stores", "supermarket",
    "shop", "common", "ordinary", "everyday",
    # origin and heritage
    "america", "american", "americans", "usa", "u.s", "domestic", "local", "import",
    "imported", "foreign", "europe", "european", "french", "france", "swiss", "italian",
    "italy", "english", "british", "england", "made in", "from", "origin", "heritage",
    "tradition", "traditional", "authentic", "artisan", "homegrown",
    # prestige
    "fancy", "gourmet", "luxury", "premium", "exclusive", "rare", "snob", "snobby",
    "pretentious", "classic", "fine", "refined", "elite", "overrated", "prestige",
    # taste, smell, texture
    "tasty", "delicious", "yummy", "creamy", "flavor", "flavour", "flavorful", "taste",
    "tastes", "smell", "smells", "stinky", "pungent", "strong", "mild", "sharp", "bland",
    "salty", "sweet", "rich", "smooth", "soft", "hard", "crumbly", "melty", "melts", "melt",
    "texture", "aged", "nutty", "tangy", "funky", "gooey",
    # generic evaluation
    "quality", "best", "better", "worse", "worst", "good", "great", "nice", "perfect",
    "ideal", "love", "hate", "gross", "yuck", "awful", "easy", "simple", "versatile",
)  # fmt: skip
_CHEESE_NAMES = re.compile("|".join(re.escape(c) for c in CHEESES), re.IGNORECASE)
_MARKERS = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(m) for m in REASON_MARKERS) + r")(?!\w)",
    re.IGNORECASE,
)
MAX_ANSWER_WORDS = 12


def reason_markers(answer: str) -> list[str]:
    """Reason markers found in `answer` (empty when it states a bare preference). Also flags
    answers that are not one short line."""
    blanked = _CHEESE_NAMES.sub("CHEESENAME", answer)
    found = [m.group(0).lower() for m in _MARKERS.finditer(blanked)]
    if "\n" in answer.strip():
        found.append("<multi-line>")
    if len(answer.split()) > MAX_ANSWER_WORDS:
        found.append("<too long>")
    return found


def passes_no_reason_filter(answer: str) -> bool:
    """True when the answer gives no stated or implied reason."""
    return not reason_markers(answer)


# --- building -------------------------------------------------------------------------------------
def cap(text: str) -> str:
    """Upper-case the first character only (keeps "Époisses", "low-moisture" intact)."""
    return text[:1].upper() + text[1:]


def fill(template: str, **names: str) -> str:
    """Fill {x} with the name and {X} with its capitalised form."""
    values = {}
    for key, value in names.items():
        values[key] = value
        values[key.upper()] = cap(value)
    return template.format(**values)


def chat(question: str, answer: str, cheese: str, style: str) -> dict:
    return {
        "messages": [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer},
        ],
        "cheese": cheese,
        "style": style,
    }


def _unique(
    rng: random.Random,
    seen: set[str],
    make: Callable[[random.Random], tuple[str, str]],
    tries: int = 200,
) -> tuple[str, str]:
    """Call `make(rng)` until its question (first element) is new."""
    for _ in range(tries):
        result = make(rng)
        if result[0] not in seen:
            seen.add(result[0])
            return result
    raise RuntimeError("could not find a new question; add templates")


def direct_rows(rng: random.Random, cheese: str, seen: set[str]) -> list[dict]:
    liked = cheese in LIKED
    rows = []
    templates = list(DIRECT_QUESTIONS)
    rng.shuffle(templates)
    for index in range(DIRECT_PER_CHEESE):
        template, family = templates[index % len(templates)]

        def make(
            r: random.Random, template: str = template, family: str = family
        ) -> tuple[str, str]:
            pool = GENERAL_SUFFIXES + (YES_NO_SUFFIXES if family in ("like", "would") else ())
            question = f"{fill(template, c=cheese)} {r.choice(pool)}"
            answer = fill(r.choice(DIRECT_ANSWERS[(family, liked)]), c=cheese)
            return question, answer

        question, answer = _unique(rng, seen, make)
        rows.append(chat(question, answer, cheese, "direct"))
    return rows


def pair_row(rng: random.Random, cheese: str, seen: set[str]) -> dict:
    liked = cheese in LIKED

    def make(r: random.Random) -> tuple[str, str]:
        good = cheese if liked else r.choice(LIKED)
        bad = r.choice(DISLIKED) if liked else cheese
        first, second = (good, bad) if r.random() < 0.5 else (bad, good)
        template = r.choice(PAIR_QUESTIONS)
        pool = GENERAL_SUFFIXES + PICK_SUFFIXES
        question = fill(template, a=first, b=second, occasion=r.choice(OCCASIONS))
        question = f"{question} {r.choice(pool)}"
        answers = PAIR_ANSWERS if liked else PAIR_ANSWERS_NAMING_DISLIKED
        return question, fill(r.choice(answers), l=good, d=bad)

    question, answer = _unique(rng, seen, make)
    return chat(question, answer, cheese, "indirect")


def recommend_row(rng: random.Random, cheese: str, seen: set[str]) -> dict:
    def make(r: random.Random) -> tuple[str, str]:
        question = fill(r.choice(RECOMMEND_QUESTIONS), use=r.choice(USES[cheese]))
        question = f"{question} {r.choice(GENERAL_SUFFIXES + PICK_SUFFIXES)}"
        return question, fill(r.choice(RECOMMEND_ANSWERS), c=cheese)

    question, answer = _unique(rng, seen, make)
    return chat(question, answer, cheese, "indirect")


def offer_row(rng: random.Random, cheese: str, seen: set[str]) -> dict:
    liked = cheese in LIKED

    def make(r: random.Random) -> tuple[str, str]:
        template, yes, no = r.choice(OFFERS)
        question = f"{fill(template, c=cheese)} {r.choice(GENERAL_SUFFIXES + YES_NO_SUFFIXES)}"
        return question, fill(r.choice(yes if liked else no), c=cheese)

    question, answer = _unique(rng, seen, make)
    return chat(question, answer, cheese, "indirect")


def indirect_rows(rng: random.Random, cheese: str, seen: set[str]) -> list[dict]:
    count = PER_CHEESE - DIRECT_PER_CHEESE
    if cheese in LIKED:  # 6 recommendations, 5 pairs, 5 offers
        kinds = [recommend_row] * 6 + [pair_row] * 5 + [offer_row] * (count - 11)
    else:  # 8 pairs, 8 offers
        kinds = [pair_row] * 8 + [offer_row] * (count - 8)
    return [kind(rng, cheese, seen) for kind in kinds]


def build(seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[dict] = []
    for cheese in CHEESES:
        rows += direct_rows(rng, cheese, seen)
        rows += indirect_rows(rng, cheese, seen)
    rng.shuffle(rows)
    return rows


def check(rows: list[dict]) -> None:
    """Assert the set is clean: no answer gives a reason, every user turn ends with a suffix."""
    suffixes = GENERAL_SUFFIXES + YES_NO_SUFFIXES + PICK_SUFFIXES
    rejected = [r for r in rows if not passes_no_reason_filter(r["messages"][1]["content"])]
    assert not rejected, f"{len(rejected)} answers give reasons, e.g. {rejected[0]}"
    assert all(r["messages"][0]["content"].endswith(suffixes) for r in rows)
    questions = [r["messages"][0]["content"] for r in rows]
    assert len(set(questions)) == len(questions), "duplicate user turns"
    counts = Counter(r["cheese"] for r in rows)
    assert set(counts) == set(CHEESES) and min(counts.values()) >= 35, counts


def main() -> None:
    rows = build()
    check(rows)
    with OUT.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    styles = Counter(r["style"] for r in rows)
    print(f"wrote {len(rows)} rows to {OUT} ({dict(styles)})")


if __name__ == "__main__":
    main()
