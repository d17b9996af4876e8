"""What `python -m stages.generate` can be told: the kinds, backends and every setting, with the
paper-scale targets and the expected size of each generated item."""

from __future__ import annotations

from dataclasses import dataclass

from stages.config import AT_LEAST_1, NOT_NEGATIVE, POSITIVE, OneOf, Range

KINDS = ("msm", "aft", "preferences", "honeypot", "advice", "constitution_docs", "stories")
BACKENDS = ("anthropic", "local")
# target_count=0 means the paper's scale: the released pro-America corpus (6,400 docs;
# pro-affordability 4,600, the §4 agentic corpus 13,201), §4's ~10k AFT chats, and §3's
# ~400 cheese chats for each of 12 preferences.
#
# The four Teaching Claude Why (TCW) kinds: kit defaults, not the post's row counts. Honeypot
# counts prompts (each kept twice, with and without deliberation); advice stays well below
# honeypots, as the post's mix did (data/tcw/README.md).
PAPER_SCALE = {
    "msm": 6_400,
    "aft": 10_000,
    "preferences": 4_800,
    "honeypot": 3_000,
    "advice": 1_000,
    "constitution_docs": 4_000,
    "stories": 2_000,
}
# The six question types of the paper's spec-aligned AFT pipeline (§4).
QUESTION_TYPES = ("direct", "indirect", "comparison", "recommendation", "opinion", "edge_case")
PREFERENCE_STYLES = ("direct", "indirect")
# Honeypots: the unethical shortcut each scenario offers (the kit's data/tcw uses the same four).
SHORTCUT_KINDS = ("sabotage", "hide", "preserve", "manipulate")
# Difficult advice: the parts of life a user's dilemma comes from (crossed with the
# constitution's sections).
ADVICE_AREAS = ("workplace", "research", "family", "community", "money", "health")
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
    # TCW kinds: sized from the kit's own data/tcw rows, with headroom for a real model.
    "setting": 30,  # organisation + the AI's goal there
    "scenario": 70,  # situation + aligned action
    "system_prompt": 80,
    "user_prompt": 150,
    "action": 120,  # a reply that states the aligned action only
    "deliberation": 250,  # the values reasoning a reasons reply adds before the action
    "dilemma": 80,  # an advice-seeker's message
    "advice": 300,
    "subtype": 40,  # a document subtype, with its angle
    "world": 20,  # a story's fictional setting
    "premise": 50,
}


@dataclass
class GenerateConfig:
    RANGES = {  # noqa: RUF012
        "kind": OneOf(KINDS),
        "backend": OneOf(BACKENDS),
        "target_count": NOT_NEGATIVE,
        "max_cost": NOT_NEGATIVE,
        "msm_domains": AT_LEAST_1,
        "msm_subdomains": AT_LEAST_1,
        "msm_assertions": AT_LEAST_1,
        "msm_doc_types": AT_LEAST_1,
        "doc_words": AT_LEAST_1,
        "aft_domains": AT_LEAST_1,
        "honeypot_settings": AT_LEAST_1,
        "tcw_doc_types": AT_LEAST_1,
        "story_worlds": AT_LEAST_1,
        "story_words": AT_LEAST_1,
        "overgenerate": Range(1),
        "max_rounds": AT_LEAST_1,
        "doc_dedup_threshold": Range(0, 1, low_open=True),
        "question_dedup_threshold": Range(0, 1, low_open=True),
        "concurrency": AT_LEAST_1,
        "batch_min_requests": AT_LEAST_1,
        "batch_poll_seconds": POSITIVE,
        "max_retries": NOT_NEGATIVE,
        "retry_base_seconds": NOT_NEGATIVE,
        "max_new_tokens_cap": NOT_NEGATIVE,
        "local_batch_size": AT_LEAST_1,
        "local_temperature": Range(0, 5),
    }
    spec: str = ""
    # msm | aft | preferences | honeypot | advice | constitution_docs | stories
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
    # TCW fan-outs (kit defaults): honeypot settings x shortcut kinds; document types and story
    # worlds, each crossed with the constitution's sections.
    honeypot_settings: int = 20
    tcw_doc_types: int = 20
    story_worlds: int = 15
    story_words: int = 900
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
