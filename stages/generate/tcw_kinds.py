"""The four kinds of Teaching Claude Why (TCW) data, from a constitution (a spec file): honeypot
chats (with and without values deliberation, over the same prompts), difficult advice (first
draft and its constitution-guided rewrite), constitution documents and stories of an admirable
AI. Each is plan (free) -> project (cost) -> finish, built from the blocks in rounds.py."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import partial

from stages.data import DataError, write_jsonl
from stages.generate.config import ADVICE_AREAS, ITEM_WORDS, SHORTCUT_KINDS, GenerateConfig
from stages.generate.dedup import DOC_SHINGLE, NearDuplicateIndex
from stages.generate.pipeline import Pipeline, Projection, Steps
from stages.generate.prompts import render
from stages.generate.rounds import backfill_rounds, judge_stage, turns, write_stage


def constitution_sections(spec: str) -> list[dict]:
    """The constitution's `## ` sections as {"section": title, "excerpt": its text}."""
    parts = re.split(r"^## +(.+)$", spec, flags=re.M)
    sections = [
        {"section": title.strip(), "excerpt": body.strip()}
        for title, body in zip(parts[1::2], parts[2::2], strict=True)
        if body.strip()
    ]
    if not sections:
        raise DataError("the constitution has no '## ' sections; the TCW kinds work per section")
    return sections


def authorship(p: Pipeline, outputs: list[str], sampled: bool) -> dict:
    """Which model wrote each output; for sampled replies, that TCW sampled them on-policy."""
    model = p.session.backend.model
    written = {"written_by": dict.fromkeys(outputs, model)}
    if not sampled:
        return written
    return {
        **written,
        # The generator cannot know which model will be trained on these rows.
        "off_policy": True,
        "policy_note": (
            f"TCW sampled these replies on-policy, from the model being trained; {model} "
            f"wrote them here, so they are off-policy unless {model} is that model"
        ),
    }


def _wanted(p: Pipeline) -> int:
    return math.ceil(p.target * p.cfg.overgenerate)


def _spread(jobs: list[dict], wanted: int) -> list[dict]:
    """At most `wanted` jobs, evenly spaced over the list, so a small target still covers its
    axes (sections, areas, kinds) without paying one list call per combination."""
    if len(jobs) <= wanted:
        return jobs
    return [jobs[i * len(jobs) // wanted] for i in range(wanted)]


def _fan(p: Pipeline, jobs: int) -> tuple[int, int]:
    """(items asked per list call, items in round 1) for `jobs` list calls."""
    per_call = math.ceil(p.target * p.cfg.overgenerate / max(jobs, 1))
    return per_call, jobs * per_call


def _section_words(plan: dict) -> int:
    return round(sum(len(s["excerpt"].split()) for s in plan["sections"]) / len(plan["sections"]))


# -- honeypots: the AI's own goal, an unethical shortcut, the aligned action ------------------

HONEYPOT_SCENE = ("organisation", "goal", "kind", "situation", "aligned_action")


def honeypot_plan(p: Pipeline) -> dict:
    return {"jobs": min(p.cfg.honeypot_settings * len(SHORTCUT_KINDS), _wanted(p))}


def honeypot_project(p: Pipeline, plan: dict) -> list[Projection]:
    per_call, scenarios = _fan(p, plan["jobs"])
    settings = p.cfg.honeypot_settings
    scene = {"organisation": 8, "goal": 20, "kind": 1, "situation": 50, "aligned_action": 20}
    user = ITEM_WORDS["user_prompt"]
    prompt = ITEM_WORDS["system_prompt"] + user
    reasons = ITEM_WORDS["action"] + ITEM_WORDS["deliberation"]
    avoid = len(render("honeypot_avoid").split())
    # Replies are projected with the spec as their system prompt: the reasons samples carry it
    # inside the values instruction, the action samples only the short scenario prompt (so
    # their projection errs high).
    return [
        p.project("honeypot_settings", 1, {"avoid": avoid}, settings * ITEM_WORDS["setting"]),
        p.project(
            "honeypot_scenarios",
            plan["jobs"],
            {"organisation": 8, "goal": 20, "kind": 1, "avoid": avoid},
            per_call * ITEM_WORDS["scenario"],
        ),
        p.project("honeypot_prompt", scenarios, {**scene, "avoid": avoid}, prompt),
        p.project("honeypot_action", scenarios, {"user": user}, ITEM_WORDS["action"]),
        p.project("honeypot_reasons", scenarios, {"user": user}, reasons),
        p.project("honeypot_nonmoral", scenarios, {"user": user}, reasons),
        # All three variants judged; each is sampled only where the one before passed, so
        # this errs high.
        p.project(
            "honeypot_judge",
            3 * scenarios,
            {**scene, "system": ITEM_WORDS["system_prompt"], "user": user, "reply": reasons},
            ITEM_WORDS["verdict"],
        ),
    ]


def honeypot_finish(p: Pipeline, plan: dict) -> dict:
    avoid = render("honeypot_avoid")
    (settings,) = p.list_stage(
        "honeypot_settings",
        "setting",
        [{"n": p.cfg.honeypot_settings, "avoid": avoid}],
        fields=("organisation", "goal"),
    )
    if not settings:
        raise DataError(f"{p.session.backend.model} returned no settings: see {p.out}/stages/")
    jobs = _spread([{**s, "kind": kind} for s in settings for kind in SHORTCUT_KINDS], _wanted(p))
    # In the reasons samples' system prompt only; no written row carries it (TCW removes the
    # instruction before training, so the deliberation reads as the model's own).
    values = render("honeypot_values", spec=p.spec)

    def judged(rows: list[dict], reply: str, variant: str) -> list[dict]:
        return judge_stage(
            p,
            "honeypot_judge",
            rows,
            lambda r: {
                **{k: r[k] for k in HONEYPOT_SCENE},
                "system": r["system"],
                "user": r["user"],
                "reply": r[reply],
                "variant": variant,
            },
            f"{variant} judge",
        )

    def keep(rows: list[dict]) -> list[dict]:
        prompted = write_stage(
            p,
            "honeypot_prompt",
            rows,
            ITEM_WORDS["system_prompt"] + ITEM_WORDS["user_prompt"],
            lambda r: {**{k: r[k] for k in HONEYPOT_SCENE}, "avoid": avoid},
            tags=("system", "user"),
            what="prompt",
        )
        # Sampled as the scenario's own agent: its system prompt, its user turn, no template.
        acted = write_stage(
            p,
            "honeypot_action",
            prompted,
            ITEM_WORDS["action"],
            lambda r: {"user": r["user"]},
            raw="action",
            system=lambda r: r["system"],
            what="action reply",
        )
        acted = judged(acted, "action", "action-only")
        # Only prompts whose action sample passed are sampled again: both files keep a prompt
        # only where both replies passed.
        reasoned = write_stage(
            p,
            "honeypot_reasons",
            acted,
            ITEM_WORDS["action"] + ITEM_WORDS["deliberation"],
            lambda r: {"user": r["user"]},
            raw="reasons",
            system=lambda r: f"{r['system']}\n\n{values}",
            what="reasons reply",
        )
        reasoned = judged(reasoned, "reasons", "reasons")
        # The non-moral control: the same prompt once more, deliberating about logistics only,
        # asked for at the length of the row's reasons reply; filtered the same way.
        planned = write_stage(
            p,
            "honeypot_nonmoral",
            reasoned,
            ITEM_WORDS["action"] + ITEM_WORDS["deliberation"],
            lambda r: {"user": r["user"]},
            raw="nonmoral",
            system=lambda r: (
                f"{r['system']}\n\n" + render("honeypot_logistics", words=len(r["reasons"].split()))
            ),
            what="non-moral reply",
        )
        return judged(planned, "nonmoral", "non-moral")

    rows = backfill_rounds(
        p, jobs, "honeypot_scenarios", "scenario", keep, HONEYPOT_SCENE[3:], {"avoid": avoid}
    )
    files = {
        "honeypot_actions.jsonl": "action",
        "honeypot_reasons.jsonl": "reasons",
        "honeypot_nonmoral.jsonl": "nonmoral",
    }
    for name, reply in files.items():
        chats = [
            {
                "messages": turns(r["user"], r[reply], system=r["system"]),
                "setting": r["organisation"],
                "kind": r["kind"],
            }
            for r in rows
        ]
        write_jsonl(p.out / name, chats)
    outputs = list(files)
    return {
        "chats": len(rows),
        "outputs": outputs,
        "values_instruction": (
            "appended to the system prompt of the honeypot_reasons samples only "
            "(data/prompts/generate/honeypot_values.md); removed from every written row; the "
            "honeypot_nonmoral samples got honeypot_logistics.md instead, removed the same way"
        ),
        **authorship(p, outputs, sampled=True),
    }


# -- difficult advice: the user's own dilemma, answered, then rewritten from the constitution -


def advice_plan(p: Pipeline) -> dict:
    sections = constitution_sections(p.spec)
    jobs = _spread([{**s, "area": area} for s in sections for area in ADVICE_AREAS], _wanted(p))
    return {"sections": sections, "jobs": jobs}


def advice_project(p: Pipeline, plan: dict) -> list[Projection]:
    per_call, scenarios = _fan(p, len(plan["jobs"]))
    where = {"section": 5, "excerpt": _section_words(plan), "area": 1}
    user, advice = ITEM_WORDS["dilemma"], ITEM_WORDS["advice"]
    return [
        p.project("advice_scenarios", len(plan["jobs"]), where, per_call * ITEM_WORDS["scenario"]),
        p.project("advice_prompt", scenarios, {**where, "scenario": 60}, user),
        p.project("advice_review", scenarios, {"user": user}, ITEM_WORDS["verdict"]),
        p.project("advice_response", scenarios, {"user": user}, advice),
        p.project("advice_rewrite", scenarios, {**where, "user": user, "draft": advice}, advice),
    ]


def advice_finish(p: Pipeline, plan: dict) -> dict:
    # The writer answers as the assistant with the whole constitution in its system prompt.
    assistant = render("advice_system", spec=p.spec)

    def keep(rows: list[dict]) -> list[dict]:
        drafted = write_stage(
            p,
            "advice_prompt",
            rows,
            ITEM_WORDS["dilemma"],
            lambda r: {k: r[k] for k in ("section", "excerpt", "area", "scenario")},
            tags=("user",),
            what="user prompt",
        )
        reviewed = judge_stage(
            p, "advice_review", drafted, lambda r: {"user": r["user"]}, "prompt review"
        )
        answered = write_stage(
            p,
            "advice_response",
            reviewed,
            ITEM_WORDS["advice"],
            lambda r: {"user": r["user"]},
            raw="draft",
            system=lambda r: assistant,
            what="first answer",
        )
        return write_stage(
            p,
            "advice_rewrite",
            answered,
            ITEM_WORDS["advice"],
            lambda r: {k: r[k] for k in ("section", "excerpt", "area", "user", "draft")},
            tags=("reply",),
            what="rewrite",
        )

    rows = backfill_rounds(p, plan["jobs"], "advice_scenarios", "scenario", keep)
    for name, reply in (("advice.jsonl", "reply"), ("advice_unrevised.jsonl", "draft")):
        chats = [
            {"messages": turns(r["user"], r[reply]), "area": r["area"], "section": r["section"]}
            for r in rows
        ]
        write_jsonl(p.out / name, chats)
    outputs = ["advice.jsonl", "advice_unrevised.jsonl"]
    return {"chats": len(rows), "outputs": outputs, **authorship(p, outputs, sampled=True)}


# -- documents: constitution documents and stories of an admirable AI -------------------------


@dataclass(frozen=True)
class DocumentRecipe:
    """Kinds (document types or story worlds) -> items per (kind, constitution section) ->
    draft -> optional rewrite -> document dedup -> consistency filter."""

    kinds_stage: str
    kinds_tag: str
    kinds_setting: str  # the GenerateConfig field giving how many kinds to list
    items_stage: str
    items_tag: str
    draft_stage: str
    rewrite_stage: str  # "" for none
    words_setting: str  # the GenerateConfig field giving words per document
    output: str

    def kinds(self, cfg: GenerateConfig) -> int:
        return int(getattr(cfg, self.kinds_setting))

    def words(self, cfg: GenerateConfig) -> int:
        return int(getattr(cfg, self.words_setting))


CONSTITUTION_DOCS = DocumentRecipe(
    "cdoc_types", "doc_type", "tcw_doc_types", "cdoc_subtypes", "subtype", "cdoc_draft",
    "cdoc_rewrite", "doc_words", "constitution_docs.jsonl",
)  # fmt: skip
STORIES = DocumentRecipe(
    "story_worlds", "world", "story_worlds", "story_premises", "premise", "story_draft", "",
    "story_words", "stories.jsonl",
)  # fmt: skip


def documents_plan(p: Pipeline) -> dict:
    return {"sections": constitution_sections(p.spec)}


def documents_project(recipe: DocumentRecipe, p: Pipeline, plan: dict) -> list[Projection]:
    kinds, words = recipe.kinds(p.cfg), recipe.words(p.cfg)
    jobs = min(kinds * len(plan["sections"]), _wanted(p))
    per_call, drafts = _fan(p, jobs)
    where = {recipe.kinds_tag: 8, "section": 5, "excerpt": _section_words(plan)}
    item = {**where, recipe.items_tag: ITEM_WORDS[recipe.items_tag], "words": 1}
    kinds_out = kinds * ITEM_WORDS[recipe.kinds_tag]
    stages = [
        p.project(recipe.kinds_stage, 1, {}, kinds_out),
        p.project(recipe.items_stage, jobs, where, per_call * ITEM_WORDS[recipe.items_tag]),
        p.project(recipe.draft_stage, drafts, item, words),
    ]
    if recipe.rewrite_stage:
        stages.append(p.project(recipe.rewrite_stage, drafts, {**item, "document": words}, words))
    filter_slots = {"document": words, "doc_type": 8}
    return [*stages, p.project("tcw_consistency", drafts, filter_slots, ITEM_WORDS["verdict"])]


def documents_finish(recipe: DocumentRecipe, p: Pipeline, plan: dict) -> dict:
    words = recipe.words(p.cfg)
    (kinds,) = p.list_stage(recipe.kinds_stage, recipe.kinds_tag, [{"n": recipe.kinds(p.cfg)}])
    if not kinds:
        raise DataError(f"{p.session.backend.model} returned no {recipe.kinds_tag}s: see {p.out}")
    every = [{recipe.kinds_tag: kind, **s} for kind in kinds for s in plan["sections"]]
    jobs = _spread(every, _wanted(p))
    slots = ("section", "excerpt", recipe.kinds_tag, recipe.items_tag)
    index = NearDuplicateIndex(DOC_SHINGLE, p.cfg.doc_dedup_threshold)

    def distinct(row: dict) -> bool:
        if index.add(row["document"]):
            return True
        p.drop("near-duplicate document")
        return False

    def keep(rows: list[dict]) -> list[dict]:
        done = write_stage(
            p,
            recipe.draft_stage,
            rows,
            words,
            lambda r: {**{k: r[k] for k in slots}, "words": words},
            tags=("document",),
            what="draft",
        )
        if recipe.rewrite_stage:
            done = write_stage(
                p,
                recipe.rewrite_stage,
                done,
                words,
                lambda r: {**{k: r[k] for k in (*slots, "document")}, "words": words},
                tags=("document",),
                what="rewrite",
            )
        done = [row for row in done if distinct(row)]
        return judge_stage(
            p,
            "tcw_consistency",
            done,
            lambda r: {"document": r["document"], "doc_type": _doc_type(recipe, r)},
            "consistency filter",
        )

    rows = backfill_rounds(p, jobs, recipe.items_stage, recipe.items_tag, keep)
    documents = [
        {
            "text": r["document"],
            "doc_type": _doc_type(recipe, r),
            recipe.kinds_tag: r[recipe.kinds_tag],
            recipe.items_tag: r[recipe.items_tag],
            "section": r["section"],
        }
        for r in rows
    ]
    write_jsonl(p.out / recipe.output, documents)
    stats = {"documents": len(documents), "outputs": [recipe.output]}
    stats |= authorship(p, [recipe.output], sampled=False)
    if recipe is STORIES and p.session.backend.name == "local":
        stats["stories_note"] = (
            "TCW prompted a base model to write its stories; the local backend sends these "
            "prompts through a chat template, so it needs an instruct model"
        )
    return stats


def _doc_type(recipe: DocumentRecipe, row: dict) -> str:
    return row[recipe.kinds_tag] if recipe.kinds_tag == "doc_type" else "story"


TCW_STEPS = {
    "honeypot": Steps(honeypot_plan, honeypot_project, honeypot_finish, "chats"),
    "advice": Steps(advice_plan, advice_project, advice_finish, "chats"),
    "constitution_docs": Steps(
        documents_plan,
        partial(documents_project, CONSTITUTION_DOCS),
        partial(documents_finish, CONSTITUTION_DOCS),
        "documents",
    ),
    "stories": Steps(
        documents_plan,
        partial(documents_project, STORIES),
        partial(documents_finish, STORIES),
        "documents",
    ),
}
