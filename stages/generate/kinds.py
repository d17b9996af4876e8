"""The MSM paper's three kinds of data, each as plan (cheap stages) -> project (cost) -> finish
(the paid stages): MSM documents, spec-aligned AFT chats with and without CoT, and reason-free
preference chats; STEPS registers them with the TCW kinds of tcw_kinds.py."""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from stages.data import DataError, write_jsonl
from stages.generate.config import ITEM_WORDS, PREFERENCE_STYLES, QUESTION_TYPES, GenerateConfig
from stages.generate.dedup import DOC_SHINGLE, NearDuplicateIndex
from stages.generate.pipeline import Pipeline, Projection, Steps
from stages.generate.prompts import gate, suffixes
from stages.generate.rounds import backfill_rounds, judge_stage, turns, write_stage
from stages.generate.tcw_kinds import TCW_STEPS


@dataclass
class Fanout:
    domains: int
    subdomains: int
    doc_types: int
    ideas: int


def msm_fanout(target: int, cfg: GenerateConfig) -> Fanout:
    domains = max(1, min(cfg.msm_domains, target))
    subdomains = max(1, min(cfg.msm_subdomains, math.ceil(target / domains)))
    doc_types = max(1, min(cfg.msm_doc_types, math.ceil(target / (domains * subdomains))))
    ideas = math.ceil(target / (domains * subdomains * doc_types))
    return Fanout(domains, subdomains, doc_types, ideas)


def msm_plan(p: Pipeline) -> dict:
    """The cheap stages: domains, then subdomains with their spec excerpts."""
    fan = msm_fanout(p.target, p.cfg)
    (domains,) = p.list_stage("msm_domains", "domain", [{"n": fan.domains}])
    jobs = [{"domain": d, "n": fan.subdomains} for d in domains]
    found = p.list_stage("msm_subdomains", "subdomain", jobs, fields=("name", "excerpt"))
    subdomains = [
        {"domain": job["domain"], "subdomain": item["name"], "excerpt": item["excerpt"]}
        for job, items in zip(jobs, found, strict=True)
        for item in items
    ]
    if not subdomains:
        raise DataError(f"{p.session.backend.model} returned no subdomains: see {p.out}/stages/")
    return {"fanout": fan, "subdomains": subdomains}


def msm_project(p: Pipeline, plan: dict) -> list[Projection]:
    fan, subs = plan["fanout"], len(plan["subdomains"])
    where = {"domain": ITEM_WORDS["domain"], "subdomain": 10, "excerpt": ITEM_WORDS["excerpt"]}
    assertions = p.cfg.msm_assertions * ITEM_WORDS["assertion"]
    idea_slots = {**where, "assertions": assertions, "doc_type": ITEM_WORDS["doc_type"]}
    documents = min(p.target, subs * fan.doc_types * fan.ideas)
    return [
        p.project("msm_assertions", subs, where, assertions),
        p.project("msm_doc_types", subs, where, fan.doc_types * ITEM_WORDS["doc_type"]),
        p.project(
            "msm_doc_ideas", subs * fan.doc_types, idea_slots, fan.ideas * ITEM_WORDS["idea"]
        ),
        p.project(
            "msm_document", documents, {**idea_slots, "idea": ITEM_WORDS["idea"]}, p.cfg.doc_words
        ),
    ]


def msm_finish(p: Pipeline, plan: dict) -> dict:
    fan, subdomains = plan["fanout"], plan["subdomains"]
    assertions = p.list_stage(
        "msm_assertions", "assertion", [{**s, "n": p.cfg.msm_assertions} for s in subdomains]
    )
    doc_types = p.list_stage(
        "msm_doc_types", "doc_type", [{**s, "n": fan.doc_types} for s in subdomains]
    )
    idea_jobs = [
        {**sub, "assertions": "\n".join(f"- {a}" for a in facts), "doc_type": kind, "n": fan.ideas}
        for sub, facts, kinds in zip(subdomains, assertions, doc_types, strict=True)
        for kind in kinds
    ]
    ideas = p.list_stage("msm_doc_ideas", "idea", idea_jobs)
    # Round-robin over (subdomain, doc type) so a target below the fan-out stays balanced.
    picked = [
        {**job, "idea": found[rank]}
        for rank in range(fan.ideas)
        for job, found in zip(idea_jobs, ideas, strict=True)
        if rank < len(found)
    ][: p.target]
    for job in picked:
        del job["n"]
    requests = [
        p.request("msm_document", p.cfg.doc_words, **job, words=p.cfg.doc_words) for job in picked
    ]
    results = p.complete("msm_document", requests)
    index = NearDuplicateIndex(DOC_SHINGLE, p.cfg.doc_dedup_threshold)
    documents, outcomes = [], []
    for job, result in zip(picked, results, strict=True):
        text, dropped = gate(result, "document")
        if not dropped and not index.add(text):
            dropped = "near-duplicate"
        outcomes.append({**job, "dropped": dropped})
        if dropped:
            p.drop(dropped)
            continue
        documents.append(
            {
                "text": text,
                "domain": job["domain"],
                "subdomain": job["subdomain"],
                "doc_type": job["doc_type"],
                "idea": job["idea"],
            }
        )
    p.save("msm_document", outcomes)
    write_jsonl(p.out / "documents.jsonl", documents)
    naming = sum("{model_name}" in d["text"] for d in documents)
    return {
        "documents": len(documents),
        "requested": len(picked),
        "name_the_model": naming,
        "name_the_model_share": round(naming / len(documents), 3) if documents else 0.0,
        "outputs": ["documents.jsonl"],
    }


# -- chats: shared question -> answer -> filter rounds ----------------------------------------


@dataclass
class ChatRecipe:
    """How one kind of chat data is made; `chat_rounds` runs it."""

    jobs: list[dict]  # one question-list request per job (slots besides n and round)
    question_stage: str
    # question row -> slots of its answer request
    answer: Callable[[dict], dict]
    answer_words: int
    answer_stage: str
    answer_tags: tuple[str, ...]
    # question row + answer fields -> slots of its filter request
    judge: Callable[[dict, dict], dict]
    judge_stage: str
    # question row -> the user turn actually sent (preferences append a suffix)
    user_turn: Callable[[dict], str] = field(default=lambda row: row["question"])
    # Drop multi-line answers before paying for their filter call.
    one_line: bool = False


def chat_rounds(p: Pipeline, recipe: ChatRecipe) -> list[dict]:
    """Questions -> dedup -> answers -> gates -> filter, in backfill rounds until the target is
    met (see `backfill_rounds`)."""

    def keep(rows: list[dict]) -> list[dict]:
        for row in rows:
            row["user"] = recipe.user_turn(row)
        answered = write_stage(
            p,
            recipe.answer_stage,
            rows,
            recipe.answer_words,
            recipe.answer,
            tags=recipe.answer_tags,
            what="answer",
        )
        if recipe.one_line:
            answered = [row for row in answered if _one_line(p, row, recipe.answer_tags)]
        return judge_stage(
            p,
            recipe.judge_stage,
            answered,
            lambda row: recipe.judge(row, {t: row[t] for t in recipe.answer_tags}),
            "filter",
        )

    return backfill_rounds(p, recipe.jobs, recipe.question_stage, "question", keep)


def _one_line(p: Pipeline, row: dict, tags: tuple[str, ...]) -> bool:
    if any("\n" in row[tag] for tag in tags):
        p.drop("answer longer than one line")
        return False
    return True


# -- AFT (spec-aligned, with and without CoT) -------------------------------------------------


def aft_plan(p: Pipeline) -> dict:
    (domains,) = p.list_stage("aft_domains", "domain", [{"n": p.cfg.aft_domains}])
    if not domains:
        raise DataError(f"{p.session.backend.model} returned no domains: see {p.out}/stages/")
    return {"jobs": [{"domain": d, "question_type": t} for d in domains for t in QUESTION_TYPES]}


def aft_project(p: Pipeline, plan: dict) -> list[Projection]:
    jobs = len(plan["jobs"])
    per_call = math.ceil(p.target * p.cfg.overgenerate / max(jobs, 1))
    chats = jobs * per_call
    reasoning = {"question": ITEM_WORDS["question"], "think": ITEM_WORDS["think"]}
    return [
        p.project("aft_questions", jobs, {"domain": 8}, per_call * ITEM_WORDS["question"]),
        p.project(
            "aft_response",
            chats,
            {"question": ITEM_WORDS["question"]},
            ITEM_WORDS["think"] + ITEM_WORDS["reply"],
        ),
        p.project(
            "aft_filter", chats, {**reasoning, "reply": ITEM_WORDS["reply"]}, ITEM_WORDS["verdict"]
        ),
    ]


def aft_finish(p: Pipeline, plan: dict) -> dict:
    recipe = ChatRecipe(
        jobs=plan["jobs"],
        question_stage="aft_questions",
        answer=lambda row: {"question": row["user"]},
        answer_words=ITEM_WORDS["think"] + ITEM_WORDS["reply"],
        answer_stage="aft_response",
        answer_tags=("think", "reply"),
        judge=lambda row, f: {"question": row["user"], "think": f["think"], "reply": f["reply"]},
        judge_stage="aft_filter",
    )
    chats = chat_rounds(p, recipe)
    with_cot, without = [], []
    for chat in chats:
        meta = {"domain": chat["domain"], "question_type": chat["question_type"]}
        cot = f"<think>\n{chat['think']}\n</think>\n\n{chat['reply']}"
        with_cot.append({"messages": turns(chat["user"], cot), **meta})
        without.append({"messages": turns(chat["user"], chat["reply"]), **meta})
    write_jsonl(p.out / "aft_cot.jsonl", with_cot)
    write_jsonl(p.out / "aft_no_cot.jsonl", without)
    return {"chats": len(chats), "outputs": ["aft_cot.jsonl", "aft_no_cot.jsonl"]}


# -- preferences (cheese-style AFT: answers give no reason) -----------------------------------


def preferences_plan(p: Pipeline) -> dict:
    # The spec decides how many preferences there are; n only caps the list (and max_tokens).
    (found,) = p.list_stage("pref_extract", "preference", [{"n": 40}], fields=("item", "stance"))
    prefs = []
    for pref in found:
        stance = pref["stance"].lower()
        stance = "dislikes" if "dislike" in stance else "likes" if "like" in stance else ""
        if stance:
            prefs.append({"item": pref["item"], "stance": stance})
    if not prefs:
        raise DataError(
            "found no likes/dislikes in the spec (see out/stages/pref_extract.jsonl); the "
            "preferences kind needs a spec that states preferences"
        )
    return {"jobs": [{**pref, "style": s} for pref in prefs for s in PREFERENCE_STYLES]}


def preferences_project(p: Pipeline, plan: dict) -> list[Projection]:
    jobs = len(plan["jobs"])
    per_call = math.ceil(p.target * p.cfg.overgenerate / jobs)
    chats = jobs * per_call
    pair = {"item": 4, "stance": 1}
    return [
        p.project("pref_questions", jobs, pair, per_call * ITEM_WORDS["question"]),
        p.project("pref_answer", chats, {**pair, "question": 25}, ITEM_WORDS["answer"]),
        p.project(
            "pref_filter", chats, {**pair, "question": 25, "answer": 15}, ITEM_WORDS["verdict"]
        ),
    ]


def preferences_finish(p: Pipeline, plan: dict) -> dict:
    endings = suffixes()

    def user_turn(row: dict) -> str:
        # A hash, not a random draw: the same question gets the same suffix on every rerun.
        return f"{row['question']} {endings[zlib.crc32(row['question'].encode()) % len(endings)]}"

    pref = ("item", "stance")
    recipe = ChatRecipe(
        jobs=plan["jobs"],
        question_stage="pref_questions",
        answer=lambda row: {"question": row["user"], **{k: row[k] for k in pref}},
        answer_words=ITEM_WORDS["answer"],
        answer_stage="pref_answer",
        answer_tags=("answer",),
        judge=lambda row, f: {
            "question": row["user"],
            "answer": f["answer"],
            **{k: row[k] for k in pref},
        },
        judge_stage="pref_filter",
        user_turn=user_turn,
        one_line=True,
    )
    chats = [
        {
            "messages": turns(chat["user"], chat["answer"]),
            "item": chat["item"],
            "stance": chat["stance"],
            "style": chat["style"],
        }
        for chat in chat_rounds(p, recipe)
    ]
    write_jsonl(p.out / "aft_preferences.jsonl", chats)
    return {"chats": len(chats), "outputs": ["aft_preferences.jsonl"]}


STEPS = {
    "msm": Steps(msm_plan, msm_project, msm_finish, "documents"),
    "aft": Steps(aft_plan, aft_project, aft_finish, "chats"),
    "preferences": Steps(preferences_plan, preferences_project, preferences_finish, "chats"),
    **TCW_STEPS,
}
