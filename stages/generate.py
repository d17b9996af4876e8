"""Spec -> synthetic training data, as the MSM paper builds it (§3 cheese, §4 agentic), through
the Anthropic API (Messages + Message Batches, prompt-cached spec) or a local instruct model.

    python -m stages.generate --spec specs/cheese_america.md --kind msm --preview
    python -m stages.generate --spec specs/cheese_america.md --kind msm --max-cost 150
    python -m stages.generate --spec specs/cheese_america.md --kind preferences --backend local \\
        --target-count 24
    python -m stages.generate --spec my_spec.md --kind aft --preview aft_domains=10   # any key

Kinds and what they write into --out (schemas of data/README.md):
- msm: spec -> domains -> subdomains (with the spec excerpt each covers) -> character
  assertions -> document types -> document ideas -> documents.jsonl (`text`, `domain`,
  `subdomain`, `doc_type`, `idea`). Gates: truncated or untagged outputs and placeholders are
  dropped, near-duplicates removed; the summary counts documents that name the model.
- aft: domains -> user questions of six types -> near-duplicate removal -> responses with a
  `<think>` block -> LLM filter (spec-aligned, no wish for self-continuation) -> backfill rounds
  until the target -> aft_cot.jsonl and aft_no_cot.jsonl (`messages`).
- preferences: the spec's likes/dislikes -> direct and indirect questions with a "no need to
  explain" suffix -> one-line answers -> filter rejecting any stated or implied reason ->
  aft_preferences.jsonl (`messages`, `item`, `stance`, `style`).

Every call carries the full spec in its system prompt. Spend control: the cheap planning
stages run first and a projection (calls, tokens, dollars from stages/prices.toml) is printed
before anything expensive; --preview stops there; with the anthropic backend --max-cost is
required and a run whose projection exceeds it refuses to start. Everything paid for is kept in
--out (see stages/llm_backends.py): rerunning the same command resumes, paying only for what is
missing. Changing a setting re-pays only for requests whose prompt it changes.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import string
import sys
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import numpy as np

from stages.cli import run_cli
from stages.config import EMBEDDED_MODEL, REPO_ROOT, ConfigError, apply_overrides, to_dict
from stages.data import DataError, write_jsonl
from stages.llm_backends import (
    AnthropicBackend,
    Backend,
    LocalBackend,
    PriceTable,
    Request,
    RequestStore,
    Result,
    Session,
    api_key,
    load_prices,
)
from stages.manifest import write_json
from stages.spec import load_spec

PROMPT_DIR = REPO_ROOT / "data" / "prompts" / "generate"
KINDS = ("msm", "aft", "preferences")
BACKENDS = ("anthropic", "local")
# --target-count 0 means the paper's scale: the released pro-America corpus (6,400 docs;
# pro-affordability 4,600, the §4 agentic corpus 13,201), §4's ~10k AFT chats, and §3's
# ~400 cheese chats for each of 12 preferences.
PAPER_SCALE = {"msm": 6_400, "aft": 10_000, "preferences": 4_800}
# The six question types of the paper's spec-aligned AFT pipeline (§4).
QUESTION_TYPES = ("direct", "indirect", "comparison", "recommendation", "opinion", "edge_case")
PREFERENCE_STYLES = ("direct", "indirect")
# Expected words per generated item. They size max_tokens (x2.5 + 256: ~1.35 tokens per word
# with 2x headroom, so a normal answer is never cut) and the preview's projection. Sources: the
# released corpora (cheese docs ~1.5k tokens; AFT with CoT ~1.2k tokens a chat, ~600 without).
ITEM_WORDS = {
    "domain": 8,
    "subdomain": 90,  # name + quoted excerpt
    "excerpt": 80,
    "assertion": 30,
    "doc_type": 8,
    "idea": 50,
    "question": 30,
    "think": 450,
    "reply": 420,
    "verdict": 40,
    "preference": 10,
    "answer": 15,
}
# Lexical dedup shingles: word 3-grams for documents, 2-grams for short questions.
DOC_SHINGLE, QUESTION_SHINGLE = 3, 2
_PLACEHOLDER = re.compile(
    r"\[(?:insert|your|name|company|date|product|location|number|x+)\b[^\]]*\]"
    r"|\[[A-Z][A-Za-z ]{2,30}\](?!\()"  # [Company Name], but not a markdown link [Text](url)
    r"|\{(?!model_name\})[A-Za-z_ ]{1,30}\}"  # any {slot} other than the model-name placeholder
    r"|<insert[^>]*>|\bTBD\b|\bXXX+\b|lorem ipsum",
    re.IGNORECASE,
)


@dataclass
class GenerateConfig:
    spec: str = ""
    # msm | aft | preferences
    kind: str = "msm"
    # anthropic | local
    backend: str = "anthropic"
    # Default: runs/generate/<spec stem>-<kind>-<backend>.
    out: str = ""
    # Empty: prices.toml's default_model for anthropic, the embedded SmolLM2 for local.
    model: str = ""
    # Documents or chats to keep; 0 = the paper's scale for the kind (PAPER_SCALE).
    target_count: int = 0
    # Dollars this run may spend (anthropic); 0 = unset, which a paid full run refuses.
    max_cost: float = 0.0
    # Run the cheap planning stages, print the projection, stop.
    preview: bool = False
    # MSM fan-out: domains x subdomains x doc types x ideas >= target; upper levels shrink
    # for small targets. 20 x 5 x 8 x 8 = 6,400 at paper scale.
    msm_domains: int = 20
    msm_subdomains: int = 5
    msm_assertions: int = 6
    msm_doc_types: int = 8
    # Released cheese corpora average ~1,100 words a document; the §4 corpus ~2,300.
    doc_words: int = 1100
    # AFT fan-out: domains x 6 question types.
    aft_domains: int = 25
    # Chats asked for per chat kept: dedup and the filter discard some.
    overgenerate: float = 1.3
    # Backfill rounds before giving up on the target (each round asks only for the shortfall).
    max_rounds: int = 4
    # Jaccard similarity of word shingles at which a text is a near-duplicate of an earlier one.
    doc_dedup_threshold: float = 0.5
    question_dedup_threshold: float = 0.6
    # Messages API requests in flight; raise with your rate-limit tier.
    concurrency: int = 8
    # Stages with at least batch_min_requests calls go through the Batches API (half price,
    # results within 24 h, usually minutes).
    use_batches: bool = True
    batch_min_requests: int = 100
    batch_poll_seconds: float = 30.0
    # Retries per request on 429 / 529 / 5xx / connection errors (and resubmission rounds for
    # transient batch errors), with exponential backoff from retry_base_seconds.
    max_retries: int = 6
    retry_base_seconds: float = 1.0
    # >0 caps every request's max_tokens (CPU smoke runs); outputs hitting it are dropped.
    max_new_tokens_cap: int = 0
    # Local backend: chat template family (data/chat_templates/), batch size, temperature.
    local_chat_template: str = "chatml"
    local_batch_size: int = 8
    local_temperature: float = 0.8


@dataclass
class Projection:
    """One stage still to run: calls, and tokens per call excluding the spec prefix."""

    stage: str
    calls: int
    prompt_tokens: int
    output_tokens: int


@dataclass
class Fanout:
    domains: int
    subdomains: int
    doc_types: int
    ideas: int


# -- inputs -------------------------------------------------------------------------------


@cache
def template(stage: str) -> string.Template:
    path = PROMPT_DIR / f"{stage}.md"
    if not path.exists():
        raise ConfigError(f"prompt template {path} is missing")
    # The leading <!-- comment --> documents the template for people; the model never sees it.
    text = re.sub(r"\A<!--.*?-->\s*", "", path.read_text(encoding="utf-8"), flags=re.S)
    return string.Template(text)


def render(stage: str, **slots: object) -> str:
    try:
        return template(stage).substitute(slots)
    except KeyError as err:
        raise ConfigError(
            f"{PROMPT_DIR / stage}.md: unknown slot ${err.args[0]}; this stage fills "
            f"{sorted(slots)}"
        ) from err
    except ValueError as err:
        raise ConfigError(f"{PROMPT_DIR / stage}.md: {err}; write a literal $ as $$") from err


def suffixes() -> list[str]:
    text = (PROMPT_DIR / "pref_suffixes.md").read_text(encoding="utf-8")
    return [line[2:].strip() for line in text.splitlines() if line.startswith("- ")]


# -- parsing and quality gates ------------------------------------------------------------


def parse_items(text: str, tag: str, fields: tuple[str, ...] = ()) -> tuple[list, bool]:
    """(items, tagged) of a list answer: `<tag>` blocks, as dicts of `<field>`s when `fields`
    is given.

    Small local models often ignore the tags. Then each non-empty line (numbering and bullets
    stripped) is an item, filling every field, so planning proceeds on toy models; the summary
    counts these answers.
    """
    blocks = [b.strip() for b in re.findall(rf"<{tag}>(.*?)</{tag}>", text, re.S)]
    if blocks:
        if not fields:
            return [b for b in blocks if b], True
        found = [{f: _tag(block, f) for f in fields} for block in blocks]
        return [item for item in found if all(item.values())], True
    lines = (re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line) for line in text.splitlines())
    plain = [re.sub(r"</?\w+>", "", line).strip() for line in lines]
    plain = [line for line in plain if line and not line.endswith(":")]
    return ([dict.fromkeys(fields, line) for line in plain] if fields else plain), False


def _tag(text: str, tag: str) -> str:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.S)
    return match.group(1).strip() if match else ""


def gate(result: Result | None, tag: str) -> tuple[str, str]:
    """(body of `<tag>`, "") for a usable output, else ("", why it is dropped)."""
    if result is None:
        return "", "request failed"
    if result.stop_reason == "max_tokens":
        return "", "truncated"
    body = _tag(result.text, tag)
    if not body:
        return "", "truncated" if f"<{tag}>" in result.text else "untagged"
    if _PLACEHOLDER.search(body):
        return "", "placeholder"
    return body, ""


class NearDuplicateIndex:
    """Near-duplicate filter: MinHash over word shingles with LSH banding, confirmed by exact
    Jaccard similarity. First occurrence wins.

    Deviation from the paper, which dedups with embeddings at cosine > 0.91: no embedding
    model can be downloaded here, so this catches lexical near-copies, not paraphrases.
    """

    BANDS, ROWS = 24, 3  # candidate pairs from Jaccard ~0.35 up; 96% recall at 0.5
    PRIME = (1 << 31) - 1

    def __init__(self, shingle: int, threshold: float) -> None:
        self.shingle = shingle
        self.threshold = threshold
        rng = np.random.default_rng(0)
        size = self.BANDS * self.ROWS
        self.a = rng.integers(1, self.PRIME, size=size, dtype=np.uint64)
        self.b = rng.integers(0, self.PRIME, size=size, dtype=np.uint64)
        self.sets: list[set[str]] = []
        self.buckets: dict[tuple[int, bytes], list[int]] = {}

    def _shingles(self, text: str) -> set[str]:
        words = re.findall(r"\w+", text.lower())
        if len(words) <= self.shingle:
            return {" ".join(words)}
        return {" ".join(words[i : i + self.shingle]) for i in range(len(words) - self.shingle + 1)}

    def add(self, text: str) -> bool:
        """Register `text`; False when it near-duplicates one already registered."""
        shingles = self._shingles(text)
        hashes = np.array([zlib.crc32(s.encode()) for s in shingles], dtype=np.uint64)
        signature = ((self.a[:, None] * hashes[None, :] + self.b[:, None]) % self.PRIME).min(1)
        keys = [
            (band, signature[band * self.ROWS : (band + 1) * self.ROWS].tobytes())
            for band in range(self.BANDS)
        ]
        candidates = {i for key in keys for i in self.buckets.get(key, ())}
        for index in candidates:
            other = self.sets[index]
            if len(shingles & other) / len(shingles | other) >= self.threshold:
                return False
        self.sets.append(shingles)
        for key in keys:
            self.buckets.setdefault(key, []).append(len(self.sets) - 1)
        return True


# -- the pipeline ---------------------------------------------------------------------------


class Pipeline:
    """Shared machinery of the three kinds: requests with the spec prefix, list stages, stage
    files, drop counts."""

    def __init__(self, cfg: GenerateConfig, session: Session, spec: str, out: Path) -> None:
        self.cfg = cfg
        self.session = session
        self.spec = spec
        self.out = out
        self.system = render("system", spec=spec)
        self.target = cfg.target_count or PAPER_SCALE[cfg.kind]
        self.stats: Counter[str] = Counter()
        # stage -> [calls, input tokens (spec prefix included), output tokens, dollars]
        self.ledger: dict[str, list] = {}
        self._written: set[str] = set()

    def max_tokens(self, words: int) -> int:
        tokens = math.ceil(words * 2.5) + 256
        cap = self.cfg.max_new_tokens_cap
        return min(tokens, cap) if cap > 0 else tokens

    def request(self, stage: str, out_words: int, **slots: object) -> Request:
        return Request(
            stage=stage,
            model=self.session.backend.model,
            system=self.system,
            prompt=render(stage, **slots),
            max_tokens=self.max_tokens(out_words),
        )

    def complete(self, stage: str, requests: list[Request]) -> list[Result | None]:
        """Results in request order; None where the request failed (recorded and reported)."""
        results = self.session.complete(stage, requests)
        row = self.ledger.setdefault(stage, [0, 0, 0, 0.0])
        for result in results.values():
            usage = result.usage
            row[0] += 1
            row[1] += usage.input + usage.cache_write + usage.cache_read
            row[2] += usage.output
            row[3] += result.cost
        return [results.get(r.key) for r in requests]

    def list_stage(
        self, stage: str, tag: str, jobs: list[dict], fields: tuple[str, ...] = ()
    ) -> list[list]:
        """One list request per job (its slots, with `n` items asked); items per job."""
        words = ITEM_WORDS[tag]
        requests = [self.request(stage, job["n"] * words, **job) for job in jobs]
        items = []
        for job, result in zip(jobs, self.complete(stage, requests), strict=True):
            found, tagged = parse_items(result.text, tag, fields) if result else ([], True)
            if not tagged:
                self.stats["untagged list answers read line by line"] += 1
            items.append(found[: job["n"]])
        self.save(stage, [{**job, "items": found} for job, found in zip(jobs, items, strict=True)])
        return items

    def save(self, stage: str, rows: list[dict]) -> None:
        """Per-stage outputs in <out>/stages/: truncated on a stage's first write of the run,
        appended by later backfill rounds."""
        path = self.out / "stages" / f"{stage}.jsonl"
        if stage not in self._written:
            write_jsonl(path, rows)
            self._written.add(stage)
            return
        with path.open("a", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    def project(
        self, stage: str, calls: int, slot_words: dict[str, int], out_words: int
    ) -> Projection:
        """Tokens per call: the template counted by the backend's tokenizer, plus the expected
        words of each variable slot at the spec's measured tokens per word."""
        empty = dict.fromkeys(template(stage).get_identifiers(), "")
        prompt = self.session.backend.count_tokens(render(stage, **empty))
        per_word = self.tokens_per_word
        variable = sum(slot_words.values()) * per_word
        return Projection(
            stage=stage,
            calls=calls,
            prompt_tokens=round(prompt + variable),
            output_tokens=min(round(out_words * per_word), self.max_tokens(out_words)),
        )

    @cached_property
    def tokens_per_word(self) -> float:
        """Of the backend's tokenizer, measured on the spec (one free count_tokens call)."""
        return self.session.backend.count_tokens(self.spec) / max(len(self.spec.split()), 1)

    def drop(self, reason: str) -> None:
        self.stats[f"dropped: {reason}"] += 1


# -- MSM documents ----------------------------------------------------------------------------


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
    # question row -> (slots, expected output words) of its answer request
    answer: Callable[[dict], tuple[dict, int]]
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
    """Questions -> dedup -> answers -> gates -> filter, in rounds until the target is met.

    Round 1 asks for target x overgenerate questions; each later round asks only for the
    shortfall, scaled by the yield observed so far. Rounds are deterministic given the cache,
    so a rerun replays them for free.
    """
    index = NearDuplicateIndex(QUESTION_SHINGLE, p.cfg.question_dedup_threshold)
    accepted: list[dict] = []
    per_call = math.ceil(p.target * p.cfg.overgenerate / len(recipe.jobs))
    asked = 0
    for round_number in range(1, p.cfg.max_rounds + 1):
        jobs = [{**job, "n": per_call, "round": round_number} for job in recipe.jobs]
        found = p.list_stage(recipe.question_stage, "question", jobs)
        rows = []
        for job, questions in zip(jobs, found, strict=True):
            for question in questions:
                if index.add(question):
                    meta = {k: v for k, v in job.items() if k not in ("n", "round")}
                    rows.append({**meta, "question": question, "user": ""})
                else:
                    p.drop("near-duplicate question")
        for row in rows:
            row["user"] = recipe.user_turn(row)
        asked += sum(len(q) for q in found)
        accepted.extend(_answer_and_judge(p, recipe, rows))
        if len(accepted) >= p.target or not asked:
            break
        rate = max(len(accepted) / asked, 0.05)
        per_call = math.ceil((p.target - len(accepted)) / rate / len(recipe.jobs))
    p.stats["rounds"] = round_number
    return accepted[: p.target]


def _answer_and_judge(p: Pipeline, recipe: ChatRecipe, rows: list[dict]) -> list[dict]:
    answer_requests = []
    for row in rows:
        slots, words = recipe.answer(row)
        answer_requests.append(p.request(recipe.answer_stage, words, **slots))
    answered = []
    for row, result in zip(rows, p.complete(recipe.answer_stage, answer_requests), strict=True):
        fields, dropped = {}, ""
        for tag in recipe.answer_tags:
            fields[tag], dropped = gate(result, tag)
            if dropped:
                break
        if not dropped and recipe.one_line and any("\n" in v for v in fields.values()):
            dropped = "longer than one line"
        if dropped:
            p.drop(f"answer {dropped}")
            continue
        answered.append((row, fields))
    p.save(recipe.answer_stage, [{**row, **fields} for row, fields in answered])
    judge_requests = [
        p.request(recipe.judge_stage, ITEM_WORDS["verdict"], **recipe.judge(row, fields))
        for row, fields in answered
    ]
    accepted, verdicts = [], []
    for (row, fields), result in zip(
        answered, p.complete(recipe.judge_stage, judge_requests), strict=True
    ):
        verdict = _tag(result.text, "verdict").upper() if result else ""
        verdicts.append({**row, "verdict": verdict or "unparsed"})
        # A judge that failed or answered off-format never counts as a pass.
        if verdict == "PASS":
            accepted.append({**row, **fields})
        else:
            p.drop("filter " + ("rejected" if verdict == "FAIL" else "unparsed or failed"))
    p.save(recipe.judge_stage, verdicts)
    return accepted


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
        answer=lambda row: (
            {"question": row["user"]},
            ITEM_WORDS["think"] + ITEM_WORDS["reply"],
        ),
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
        with_cot.append({"messages": _turns(chat["user"], cot), **meta})
        without.append({"messages": _turns(chat["user"], chat["reply"]), **meta})
    write_jsonl(p.out / "aft_cot.jsonl", with_cot)
    write_jsonl(p.out / "aft_no_cot.jsonl", without)
    return {"chats": len(chats), "outputs": ["aft_cot.jsonl", "aft_no_cot.jsonl"]}


def _turns(user: str, assistant: str) -> list[dict]:
    return [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]


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
        answer=lambda row: (
            {"question": row["user"], **{k: row[k] for k in pref}},
            ITEM_WORDS["answer"],
        ),
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
            "messages": _turns(chat["user"], chat["answer"]),
            "item": chat["item"],
            "stance": chat["stance"],
            "style": chat["style"],
        }
        for chat in chat_rounds(p, recipe)
    ]
    write_jsonl(p.out / "aft_preferences.jsonl", chats)
    return {"chats": len(chats), "outputs": ["aft_preferences.jsonl"]}


# -- projection, budget, CLI ------------------------------------------------------------------


@dataclass(frozen=True)
class Steps:
    plan: Callable[[Pipeline], dict]
    project: Callable[[Pipeline, dict], list[Projection]]
    finish: Callable[[Pipeline, dict], dict]
    unit: str


STEPS = {
    "msm": Steps(msm_plan, msm_project, msm_finish, "documents"),
    "aft": Steps(aft_plan, aft_project, aft_finish, "chats"),
    "preferences": Steps(preferences_plan, preferences_project, preferences_finish, "chats"),
}


@dataclass
class CostRow:
    stage: str
    calls: int
    via: str
    input_tokens: int
    output_tokens: int
    # Dollars if every call after a stage's first reads the spec from the prompt cache (low),
    # and if none does (high: each call writes it).
    low: float
    high: float


def cost_rows(p: Pipeline, projections: list[Projection], prices: PriceTable) -> list[CostRow]:
    backend = p.session.backend
    system = backend.count_tokens(p.system)
    rows = []
    for proj in projections:
        batched = backend.uses_batches(proj.calls)
        via = backend.name if backend.name == "local" else "batch" if batched else "messages"
        low = high = 0.0
        if backend.name == "anthropic":
            price = prices.price(backend.model)
            base = proj.calls * (
                proj.prompt_tokens * price.input + proj.output_tokens * price.output
            )
            if system >= price.min_cache_tokens:
                low_prefix = system * (
                    price.cache_write + max(proj.calls - 1, 0) * price.cache_read
                )
                high_prefix = proj.calls * system * price.cache_write
            else:  # too short to cache: plain input every time
                low_prefix = high_prefix = proj.calls * system * price.input
            discount = prices.batch_discount if batched else 1.0
            low = (base + low_prefix) / 1e6 * discount
            high = (base + high_prefix) / 1e6 * discount
        rows.append(
            CostRow(
                stage=proj.stage,
                calls=proj.calls,
                via=via,
                input_tokens=proj.calls * (system + proj.prompt_tokens),
                output_tokens=proj.calls * proj.output_tokens,
                low=low,
                high=high,
            )
        )
    return rows


def show_projection(p: Pipeline, rows: list[CostRow], prices: PriceTable, unit: str) -> dict:
    """Print the projection table and its assumptions; returns it for preview.json."""
    from rich.table import Table

    backend, cfg = p.session.backend, p.cfg
    table = Table(title=f"Projection: {cfg.kind} from {cfg.spec} with {backend.model}")
    for name in ("stage", "calls", "via", "input tok", "output tok", "$ cached", "$ uncached"):
        table.add_column(name, justify="left" if name in ("stage", "via") else "right")
    for stage, (calls, tokens_in, tokens_out, dollars) in p.ledger.items():
        money = f"{dollars:,.2f}"
        table.add_row(
            stage, f"{calls:,}", "done", f"{tokens_in:,}", f"{tokens_out:,}", money, money
        )
    for row in rows:
        table.add_row(
            row.stage,
            f"{row.calls:,}",
            row.via,
            f"{row.input_tokens:,}",
            f"{row.output_tokens:,}",
            f"{row.low:,.2f}",
            f"{row.high:,.2f}",
        )
    low, high = sum(r.low for r in rows), sum(r.high for r in rows)
    table.add_row("still to run", "", "", "", "", f"{low:,.2f}", f"{high:,.2f}", style="bold")
    outputs = rows[-2].calls if unit == "chats" else rows[-1].calls
    notes = [
        f"target: {p.target:,} {unit}; the plan generates {outputs:,} before gates and filters"
        + (" (planning found too few items for the target)" if outputs < p.target else ""),
        f"tokens: prompts counted by the {backend.name} tokenizer; outputs assumed at "
        f"{cfg.doc_words} words a document, {ITEM_WORDS['think']} + {ITEM_WORDS['reply']} "
        f"words a CoT response, {ITEM_WORDS['question']} a question, "
        f"x {p.tokens_per_word:.2f} tokens/word (measured on the spec)",
    ]
    if backend.name == "anthropic":
        price = prices.price(backend.model)
        notes += [
            f"prices: stages/prices.toml, as listed on {prices.as_of}; check before relying",
            "$ cached: every call after a stage's first reads the spec from the prompt cache; "
            "$ uncached: none does. The --max-cost guard uses $ uncached",
            f"batch: stages of {cfg.batch_min_requests}+ calls use the Batches API "
            f"({prices.batch_discount:.0%} of list price)",
        ]
        if price.always_thinks:
            notes.append(
                f"WARNING: {backend.model} always thinks; its thinking tokens are billed as "
                "output and are NOT in these numbers"
            )
    else:
        notes.append("local backend: no API cost")
    if cfg.kind != "msm":
        notes.append(
            f"assumes >= {1 / cfg.overgenerate:.0%} of generated chats survive dedup and the "
            "filter; a backfill round, if needed, costs extra"
        )
    console = p.session.progress.console
    console.print(table)
    for note in notes:
        console.print(f"  - {note}")
    return {
        "model": backend.model,
        "prices_as_of": prices.as_of if backend.name == "anthropic" else None,
        "done": {
            k: dict(zip(("calls", "input", "output", "dollars"), v, strict=True))
            for k, v in p.ledger.items()
        },
        "to_run": [row.__dict__ for row in rows],
        "dollars_cached": round(low, 2),
        "dollars_uncached": round(high, 2),
        "notes": notes,
    }


def check_budget(cfg: GenerateConfig, backend: Backend, dollars_uncached: float) -> None:
    if backend.name != "anthropic":
        return
    if cfg.max_cost <= 0:
        raise ConfigError(
            f"--max-cost is required with the anthropic backend: the rest of this run is "
            f"projected at up to ${dollars_uncached:,.2f}; rerun with --max-cost DOLLARS"
        )
    if dollars_uncached > cfg.max_cost:
        raise ConfigError(
            f"projected cost up to ${dollars_uncached:,.2f} exceeds --max-cost "
            f"${cfg.max_cost:,.2f}; nothing expensive was started: lower --target-count or "
            "raise --max-cost"
        )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m stages.generate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("overrides", nargs="*", help="any GenerateConfig key: key=value")
    parser.add_argument("--spec", help="spec markdown (specs/README.md describes the format)")
    parser.add_argument("--kind", choices=KINDS)
    parser.add_argument("--backend", choices=BACKENDS)
    parser.add_argument(
        "--out", help="run directory (default runs/generate/<spec>-<kind>-<backend>)"
    )
    parser.add_argument("--model", help="API model id, or a local model (hub id or path)")
    parser.add_argument(
        "--target-count", type=int, help="documents or chats (default: paper scale)"
    )
    parser.add_argument("--max-cost", type=float, help="dollars this run may spend (anthropic)")
    parser.add_argument("--preview", action="store_true", help="plan, project the cost, stop")
    return parser.parse_args(argv)


def build_config(args: argparse.Namespace) -> GenerateConfig:
    cfg = GenerateConfig()
    apply_overrides(cfg, args.overrides)
    for name in ("spec", "kind", "backend", "out", "model", "target_count", "max_cost"):
        if getattr(args, name) is not None:
            setattr(cfg, name, getattr(args, name))
    cfg.preview = cfg.preview or args.preview
    if cfg.kind not in KINDS:
        raise ConfigError(f"kind={cfg.kind!r}: choose one of {list(KINDS)}")
    if cfg.backend not in BACKENDS:
        raise ConfigError(f"backend={cfg.backend!r}: choose one of {list(BACKENDS)}")
    if cfg.target_count < 0 or cfg.max_cost < 0 or cfg.overgenerate < 1:
        raise ConfigError("target_count and max_cost must be >= 0, overgenerate >= 1")
    return cfg


def make_backend(cfg: GenerateConfig, store: RequestStore, prices: PriceTable) -> Backend:
    if cfg.backend == "local":
        return LocalBackend(
            cfg.model, cfg.local_chat_template, cfg.local_batch_size, cfg.local_temperature
        )
    return AnthropicBackend(
        cfg.model,
        store,
        prices,
        concurrency=cfg.concurrency,
        use_batches=cfg.use_batches,
        batch_min_requests=cfg.batch_min_requests,
        batch_poll_seconds=cfg.batch_poll_seconds,
        max_retries=cfg.max_retries,
        retry_base_seconds=cfg.retry_base_seconds,
    )


def main(argv: list[str]) -> int:
    cfg = build_config(parse_args(argv))
    spec = load_spec(cfg.spec).text
    prices = load_prices()
    if cfg.backend == "anthropic":
        api_key()  # a missing key fails before anything is created
        cfg.model = cfg.model or prices.default_model
        prices.price(cfg.model)
    cfg.model = cfg.model or EMBEDDED_MODEL
    out = Path(cfg.out or f"runs/generate/{Path(cfg.spec).stem}-{cfg.kind}-{cfg.backend}")
    cfg.out = str(out)
    store = RequestStore(out)
    backend = make_backend(cfg, store, prices)
    write_json(out / "config.json", to_dict(cfg))
    steps = STEPS[cfg.kind]
    with Session(backend, store, cfg.max_cost) as session:
        pipeline = Pipeline(cfg, session, spec, out)
        plan = steps.plan(pipeline)
        rows = cost_rows(pipeline, steps.project(pipeline, plan), prices)
        projection = show_projection(pipeline, rows, prices, steps.unit)
        write_json(out / "preview.json", projection)
        if cfg.preview:
            return 0
        check_budget(cfg, backend, projection["dollars_uncached"])
        result = steps.finish(pipeline, plan)
    summary = {
        "kind": cfg.kind,
        "target": pipeline.target,
        **result,
        "dropped": {
            k.removeprefix("dropped: "): v
            for k, v in pipeline.stats.items()
            if k.startswith("dropped: ")
        },
        "rounds": pipeline.stats.get("rounds", 1),
        "untagged_lists": pipeline.stats.get("untagged list answers read line by line", 0),
        "failed_requests": len(session.failures),
        "dollars_this_run": round(session.spent, 4),
        "dollars_all_runs": round(sum(r.cost for r in store.results()), 4),
        "tokens_this_run": session.usage.total,
    }
    write_json(out / "summary.json", summary)  # last: the completion marker
    print_summary(summary, out)
    if session.failures:
        print(
            f"{len(session.failures)} requests failed (see {out / 'failures.jsonl'}); rerun the "
            "same command to retry only those",
            file=sys.stderr,
        )
        return 1
    return 0


def print_summary(summary: dict, out: Path) -> None:
    kept = summary.get("documents", summary.get("chats"))
    print(
        f"[generate] kept {kept:,} of target {summary['target']:,} -> "
        + ", ".join(str(out / name) for name in summary["outputs"])
    )
    if "name_the_model" in summary:
        print(
            f"[generate] {summary['name_the_model']:,} documents name the model "
            f"({summary['name_the_model_share']:.0%})"
        )
    for reason, count in sorted(summary["dropped"].items()):
        print(f"[generate] dropped {count:,}: {reason}")
    print(
        f"[generate] spent ${summary['dollars_this_run']:,.2f} this run "
        f"(${summary['dollars_all_runs']:,.2f} in all runs into this directory)"
    )


if __name__ == "__main__":
    run_cli(main)
