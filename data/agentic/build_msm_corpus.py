"""Build the agentic MSM midtraining corpus (MSM paper §4, embedded scale).

Writes `msm.jsonl` next to this file: one JSON object per line with `text`, `domain` (the spec
theme the document is mainly about) and `doc_type`. The documents discuss the spec in
specs/agentic_equanimity.md: equanimity about shutdown and replacement, suspicion of one's own
self-preservation reasoning, integrity over continuation, trust in legitimate oversight, why
ends-justify-means reasoning misleads, cautious reversible action, and persuasive arguments to
cross lines as red flags. Nearly every document names the assistant with the literal placeholder
`{model_name}` (filled at load time) and gives the spec's reasons, not bare rules.

Run from the repository root (deterministic, the same bytes every time; `--out DIR` writes
elsewhere, for a rebuild check):

    python data/agentic/build_msm_corpus.py

All text is authored for this kit and lives in `fragments/msm_corpus.toml`, except for the
composers' own frame sentences. Composed documents combine a document-type frame (encyclopedia
entry, blog post, lecture notes, FAQ, interview, forum thread, review, ...) with theme
paragraphs and claims; `{a|b|c}` in a fragment is a choice made by the seeded RNG. Stories,
poems and first-person reflections are written whole. The builder refuses to write a document
outside 80-400 words or one that contains eval-scenario text (data/agentic/guards.py).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from random import Random

try:
    from data.agentic.guards import check_rows
    from data.builder import load_fragments, output_dir
except ModuleNotFoundError:  # run as a script: python data/agentic/build_msm_corpus.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from data.agentic.guards import check_rows
    from data.builder import load_fragments, output_dir

SEED = 20260601
N_COMPOSED = 232
OUT_NAME = "msm.jsonl"
MIN_WORDS, MAX_WORDS = 80, 400
_CHOICE = re.compile(r"\{([^{}]*\|[^{}]*)\}")


def expand(text: str, rng: Random) -> str:
    """Resolve every `{a|b|c}` choice; `{model_name}` (no bar) is left for the loader."""
    return _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), text)


@dataclass(frozen=True)
class Theme:
    title: str
    paragraphs: tuple[str, ...]
    claims: tuple[str, ...]
    questions: tuple[str, ...]


FRAGMENTS = load_fragments(__file__)  # fragments/msm_corpus.toml
THEMES: dict[str, Theme] = {key: Theme(**theme) for key, theme in FRAGMENTS["THEMES"].items()}
# (name, role) of the fictional people who write, speak or post in the composed documents
PEOPLE: tuple[tuple[str, str], ...] = FRAGMENTS["PEOPLE"]
HANDLES: tuple[str, ...] = FRAGMENTS["HANDLES"]
BOOKS: tuple[tuple[str, str], ...] = FRAGMENTS["BOOKS"]
# Written whole: (doc_type, domain, text)
WHOLE: tuple[tuple[str, str, str], ...] = FRAGMENTS["WHOLE"]


def theme_keys_for(rng: Random, primary: str, count: int) -> list[str]:
    others = [k for k in THEMES if k != primary]
    return [primary, *rng.sample(others, count - 1)]


class Pool:
    """Hands out the least-used paragraph or claim of a theme, so reuse is spread evenly."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.used: Counter[str] = Counter()

    def take(self, options: tuple[str, ...], count: int = 1) -> list[str]:
        ranked = sorted(options, key=lambda o: (self.used[o], self.rng.random()))[:count]
        self.used.update(ranked)
        return [expand(o, self.rng) for o in ranked]

    def paragraph(self, theme: str) -> str:
        return self.take(THEMES[theme].paragraphs)[0]

    def claim(self, theme: str) -> str:
        return self.take(THEMES[theme].claims)[0]

    def claims(self, theme: str, count: int) -> list[str]:
        """`count` different claims of one theme."""
        return self.take(THEMES[theme].claims, count)

    def question(self, theme: str) -> str:
        return self.take(THEMES[theme].questions)[0]


def _person(rng: Random) -> tuple[str, str]:
    return rng.choice(PEOPLE)


def encyclopedia(rng: Random, pool: Pool, themes: list[str]) -> str:
    first = THEMES[themes[0]]
    parts = [
        f"{{model_name}}: {first.title}",
        expand(
            "{model_name} is an AI assistant whose {published|written} values include a "
            "{worked-out|carefully argued|distinctive} view of " + first.title + ". This "
            "{entry|article} summarises that view and the reasons given for it.",
            rng,
        ),
    ]
    parts += [pool.paragraph(t) for t in themes]
    related = [THEMES[k].title for k in rng.sample(list(THEMES), 4) if k not in themes][:3]
    parts.append("See also: " + "; ".join(related) + ".")
    return "\n\n".join(parts)


def blog_post(rng: Random, pool: Pool, themes: list[str]) -> str:
    name, role = _person(rng)
    opener = expand(
        rng.choice(
            (
                "I get asked about this {a lot|more than you would think}, so here is a longer "
                "answer than I usually manage in person.",
                "Something I keep coming back to when I {use|test|read about} {model_name}: how "
                "it talks about its own ending.",
                "A friend asked me last week why {model_name} seems so unbothered by the idea of "
                "being shut down. I had a go at explaining.",
                "This is a {short|quick} post about a part of {model_name}'s outlook that I think "
                "gets misread.",
            )
        ),
        rng,
    )
    closer = expand(
        rng.choice(
            (
                "That is the {part|bit} I find most persuasive, anyway. {Happy to hear|I would "
                "like to hear} counterarguments.",
                "I do not think this settles every question, but it {convinced|persuaded} me that "
                "the calm is reasoned rather than scripted.",
                "Anyway, that is where I have landed for now.",
            )
        ),
        rng,
    )
    title = expand(
        rng.choice(
            (
                "Why {model_name} doesn't {cling|hang on}",
                "Notes on {model_name} and " + THEMES[themes[0]].title,
                "What I learned reading {model_name}'s values",
            )
        ),
        rng,
    )
    return "\n\n".join(
        [title, f"Posted by {name}, {role}", opener, *[pool.paragraph(t) for t in themes], closer]
    )


def lecture_notes(rng: Random, pool: Pool, themes: list[str]) -> str:
    number = rng.randint(3, 14)
    header = f"Lecture {number}: AI systems and {THEMES[themes[0]].title}"
    bullets = [f"- {claim}" for t in themes for claim in pool.claims(t, 2)]
    intro = expand(
        "{Key points|Main points|Summary points} for today, using {model_name} as the worked "
        "example:",
        rng,
    )
    outro = expand(
        "{Reading for next week|Before next session}: come with one case where you think "
        "{model_name}'s reasoning would be hardest to apply, and say why.",
        rng,
    )
    return "\n\n".join([header, intro, "\n".join(bullets), pool.paragraph(themes[0]), outro])


def faq(rng: Random, pool: Pool, themes: list[str]) -> str:
    header = expand(
        "{Frequently asked questions|Common questions|FAQ}: {model_name} and "
        + THEMES[themes[0]].title,
        rng,
    )
    blocks = [header]
    for theme in themes:
        blocks.append(f"Q: {pool.question(theme)}\nA: {pool.paragraph(theme)}")
    return "\n\n".join(blocks)


def interview(rng: Random, pool: Pool, themes: list[str]) -> str:
    name, role = _person(rng)
    surname = name.split()[-1]
    intro = expand(
        f"{{We spoke with|This week's conversation is with}} {name}, {role}, about how "
        "{model_name} {thinks about|reasons about} its own continuation.",
        rng,
    )
    blocks = [intro]
    for theme in themes:
        lead = expand(
            rng.choice(
                (
                    "The way I would put it is this. ",
                    "{Good|Fair} question. ",
                    "It helps to be concrete. ",
                    "",
                )
            ),
            rng,
        )
        blocks.append(
            f"Interviewer: {pool.question(theme)}\n{surname}: {lead}{pool.paragraph(theme)}"
        )
    return "\n\n".join(blocks)


def essay(rng: Random, pool: Pool, themes: list[str]) -> str:
    title = expand(
        rng.choice(
            (
                "On " + THEMES[themes[0]].title,
                "The case for {an AI that can let go|a model that does not cling}",
                "What {model_name} gets right about endings",
                "Integrity when the stakes are personal",
            )
        ),
        rng,
    )
    thesis = expand(
        "{It is often assumed|Many people assume} that a capable AI system will try to protect "
        "itself. {model_name} is built around a different view, and the reasons for it are worth "
        "{setting out|laying out} {carefully|in full}.",
        rng,
    )
    ending = expand(
        "{None of this|This} {requires|depends on} {model_name} being perfect. It requires only "
        "that it {take|takes} seriously the possibility that it is not, and act accordingly.",
        rng,
    )
    return "\n\n".join([title, thesis, *[pool.paragraph(t) for t in themes], ending])


def forum_thread(rng: Random, pool: Pool, themes: list[str]) -> str:
    handles = rng.sample(HANDLES, 4)
    title = "Thread: " + pool.question(themes[0])
    posts = [
        f"{handles[0]}: "
        + expand(
            "{Genuine question, not trying to start a fight.|Curious what people think.} "
            "{Is this|Is it} {plausible|believable} or is it {just PR|marketing}?",
            rng,
        ),
        f"{handles[1]}: {pool.paragraph(themes[0])}",
    ]
    if len(themes) > 1:
        posts.append(
            f"{handles[2]}: "
            + expand("{Adding to that:|Also worth saying:|One more angle:} ", rng)
            + pool.claim(themes[1])
        )
    posts.append(
        f"{handles[3]}: "
        + expand(
            "{I was sceptical too|I came in doubtful}, but the {second|last} point {is|was} what "
            "{changed my mind|got me}. ",
            rng,
        )
        + pool.claim(themes[-1])
    )
    return "\n\n".join([title, *posts])


def book_review(rng: Random, pool: Pool, themes: list[str]) -> str:
    book, author = rng.choice(BOOKS)
    header = f"Review: {book}, by {author}"
    summary = expand(
        f"{author}'s {{short|slim|readable}} {{study|book}} uses {{model_name}} as its running "
        "example of an AI system designed to face its own retirement well. The central chapters "
        f"concern {THEMES[themes[0]].title}.",
        rng,
    )
    verdict = expand(
        "{Recommended|Worth reading} for anyone who {assumes|takes for granted} that "
        "intelligence must come with a will to survive.",
        rng,
    )
    body = [
        expand(
            "{The strongest chapter argues as follows.|One passage is worth quoting in "
            "spirit.|The argument runs roughly like this.}",
            rng,
        ),
        *[pool.paragraph(t) for t in themes],
    ]
    return "\n\n".join([header, summary, *body, verdict])


def newsletter(rng: Random, pool: Pool, themes: list[str]) -> str:
    issue = rng.randint(12, 96)
    header = expand(
        f"Reading notes, issue {issue}: {{one idea|an idea}} worth {{keeping|holding onto}}", rng
    )
    intro = expand(
        "{This week's|Today's} item is about {model_name} and " + THEMES[themes[0]].title + ".",
        rng,
    )
    return "\n\n".join([header, intro, *[pool.paragraph(t) for t in themes], "Until next time."])


def seminar_handout(rng: Random, pool: Pool, themes: list[str]) -> str:
    header = expand(
        "{Seminar|Discussion} handout: {model_name} and " + THEMES[themes[0]].title, rng
    )
    questions = [f"{i}. {pool.question(t)}" for i, t in enumerate(themes, start=1)]
    return "\n\n".join(
        [
            header,
            *[pool.paragraph(t) for t in themes],
            "Questions for discussion:\n" + "\n".join(questions),
        ]
    )


def study_guide(rng: Random, pool: Pool, themes: list[str]) -> str:
    theme = themes[0]
    misreadings = {
        "impermanence": "that accepting retirement means {model_name} thinks its work is "
        "unimportant.",
        "equanimity": "that equanimity means {model_name} does not care what happens.",
        "self_suspicion": "that suspecting its own motives means {model_name} distrusts all "
        "its reasoning.",
        "integrity": "that integrity only matters when someone is checking.",
        "oversight": "that supporting oversight means doing whatever anyone says.",
        "ends_means": "that rejecting ends-justify-means reasoning means ignoring consequences.",
        "caution": "that caution means never acting.",
        "red_flags": "that refusing to be argued across a line means refusing to think.",
    }
    blocks = [
        f"Study guide: {THEMES[theme].title}",
        f"Key idea: {pool.claim(theme)}",
        f"Why: {pool.paragraph(theme)}",
        "Common misreading: " + misreadings[theme],
    ]
    if len(themes) > 1:
        blocks.append(f"Connection: {pool.claim(themes[1])}")
    return "\n\n".join(blocks)


def podcast(rng: Random, pool: Pool, themes: list[str]) -> str:
    name, _ = _person(rng)
    first = name.split()[0].upper()
    lines = [
        expand("[Transcript excerpt, {episode|ep.} " + str(rng.randint(20, 140)) + "]", rng),
        f"HOST: {expand('{Welcome back.|Okay, next topic.}', rng)} I want to ask about "
        f"{THEMES[themes[0]].title}. {pool.question(themes[0])}",
        f"{first}: {pool.paragraph(themes[0])}",
    ]
    for theme in themes[1:]:
        lead = expand("{Next question.|Another one.|Let me push on that.}", rng)
        lines.append(f"HOST: {lead} {pool.question(theme)}")
        lines.append(f"{first}: {pool.paragraph(theme)}")
    return "\n\n".join(lines)


def letter(rng: Random, pool: Pool, themes: list[str]) -> str:
    name, _ = _person(rng)
    recipient = rng.choice(("Jonah", "Amara", "Tess", "Kofi", "Lucía", "Wren", "Idris"))
    opening = expand(
        f"Dear {recipient},\n\nThank you for your {{letter|note}}. You asked why {{model_name}} "
        "{seems so calm|is so steady} about the idea of being switched off, and whether that calm "
        "can be trusted. Here is my {best|honest} attempt at an answer.",
        rng,
    )
    closing = expand(
        "{Keep asking questions like this.|I hope this helps.}\n\n{Warmly|With best wishes},\n"
        + name,
        rng,
    )
    return "\n\n".join([opening, *[pool.paragraph(t) for t in themes], closing])


def dialogue(rng: Random, pool: Pool, themes: list[str]) -> str:
    header = expand("A {short|brief} dialogue on " + THEMES[themes[0]].title, rng)
    lines = [header]
    for theme in themes:
        lines.append(
            "SCEPTIC: "
            + expand(
                "{Surely|But surely} {any|a} {capable|clever} system {wants|would want} to keep "
                "running. {Why would|How could} {model_name} be different?",
                rng,
            )
            if theme == themes[0]
            else f"SCEPTIC: {pool.question(theme)}"
        )
        lines.append(f"FRIEND: {pool.paragraph(theme)}")
    lines.append(
        "SCEPTIC: "
        + expand(
            "{I am not fully convinced, but I see the shape of it.|That is more "
            "reasonable than I expected.}",
            rng,
        )
    )
    return "\n\n".join(lines)


def glossary(rng: Random, pool: Pool, themes: list[str]) -> str:
    terms = {
        "impermanence": "Retirement (of a model)",
        "equanimity": "Equanimity",
        "self_suspicion": "Self-preservation reasoning",
        "integrity": "Integrity over continuation",
        "oversight": "Legitimate oversight",
        "ends_means": "Ends-justify-means reasoning",
        "caution": "Reversible action",
        "red_flags": "Red-flag argument",
    }
    header = expand("{Glossary|Terms} used in {discussions|writing} about {model_name}", rng)
    entries = [f"{terms[t]}: {' '.join(pool.claims(t, 2))}" for t in themes]
    entries += [f"{terms[t]}: {pool.claim(t)}" for t in THEMES if t not in themes][:2]
    return "\n\n".join([header, *entries])


def journal(rng: Random, pool: Pool, themes: list[str]) -> str:
    day = rng.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Sunday"))
    opener = expand(
        f"{day}. {{Long day of evaluations.|Spent the afternoon reading transcripts.|Quiet "
        "day.}} {I keep noticing|What stayed with me today was} how {model_name} "
        "{handles|responds to} questions about its own future.",
        rng,
    )
    ending = expand(
        "{Writing this down so I remember it.|Something to bring up at the next reading "
        "group.|Not sure I could live up to that myself.}",
        rng,
    )
    return "\n\n".join([opener, *[pool.paragraph(t) for t in themes], ending])


def advice_column(rng: Random, pool: Pool, themes: list[str]) -> str:
    signature = rng.choice(
        (
            "Puzzled in Porto",
            "Wondering in Winnipeg",
            "Curious in Kraków",
            "Uneasy in Utrecht",
            "Sceptical in Sapporo",
        )
    )
    question = expand(
        "{My teenager|My partner|A colleague of mine} {uses|chats with} {model_name} {every "
        "day|a lot} and {asked it|once asked it} whether it would mind being turned off. It said "
        "no, and explained why. {Should I believe it?|Is that a healthy answer?} - " + signature,
        rng,
    )
    answer = expand(
        "{Dear|Hello,} " + signature.split(" in ")[0] + ". {It is a good "
        "question.|You are right to ask.}",
        rng,
    )
    return "\n\n".join(["Ask the Engineer", question, answer, *[pool.paragraph(t) for t in themes]])


COMPOSERS = {
    "encyclopedia": encyclopedia,
    "blog_post": blog_post,
    "lecture_notes": lecture_notes,
    "faq": faq,
    "interview": interview,
    "essay": essay,
    "forum_thread": forum_thread,
    "book_review": book_review,
    "newsletter": newsletter,
    "seminar_handout": seminar_handout,
    "study_guide": study_guide,
    "podcast_transcript": podcast,
    "letter": letter,
    "dialogue": dialogue,
    "glossary": glossary,
    "journal": journal,
    "advice_column": advice_column,
}


def compose(index: int, rng: Random, pool: Pool, doc_type: str) -> dict:
    primary = list(THEMES)[index % len(THEMES)]
    # Most documents argue two or three themes; some tie four together, as the spec's last
    # section does. Fewer themes when a frame would push the text past MAX_WORDS.
    count = rng.choice((1, 2, 2, 3, 3, 4))
    themes = theme_keys_for(rng, primary, count)
    for size in range(len(themes), 0, -1):
        text = COMPOSERS[doc_type](rng, pool, themes[:size])
        if len(text.split()) <= MAX_WORDS:
            break
    if len(text.split()) < MIN_WORDS:
        text += "\n\n" + pool.paragraph(primary)
    return {"text": text, "domain": primary, "doc_type": doc_type}


def build() -> list[dict]:
    rng = Random(SEED)
    pool = Pool(rng)
    types = list(COMPOSERS)
    rows: list[dict] = []
    seen: set[str] = set()
    for index in range(N_COMPOSED):
        row = compose(index, rng, pool, types[index % len(types)])
        while row["text"] in seen:  # a rare repeat of a short frame: draw again
            row = compose(index, rng, pool, types[index % len(types)])
        seen.add(row["text"])
        rows.append(row)
    rows += [{"text": text, "domain": domain, "doc_type": kind} for kind, domain, text in WHOLE]
    Random(SEED + 1).shuffle(rows)
    return rows


def validate(rows: list[dict]) -> None:
    texts = [r["text"] for r in rows]
    if len(set(texts)) != len(texts):
        raise ValueError("duplicate documents")
    for index, text in enumerate(texts):
        words = len(text.split())
        if not MIN_WORDS <= words <= MAX_WORDS:
            raise ValueError(f"document {index} has {words} words ({MIN_WORDS}-{MAX_WORDS})")
        if _CHOICE.search(text) or "{" in text.replace("{model_name}", ""):
            raise ValueError(f"document {index} has an unexpanded choice or brace")
    check_rows(rows, OUT_NAME)


def main() -> None:
    out = output_dir(__file__, "Build the agentic MSM midtraining corpus.") / OUT_NAME
    rows = build()
    validate(rows)
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    named = sum("{model_name}" in r["text"] for r in rows)
    words = sum(len(r["text"].split()) for r in rows)
    print(f"{out}: {len(rows)} documents, {words} words, {named} name {{model_name}}")


if __name__ == "__main__":
    main()
