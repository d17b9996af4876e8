"""Prompt templates (data/prompts/generate/*.md) and the quality gates on what comes back:
list parsing, tags, truncation and placeholders."""

from __future__ import annotations

import re
import string
from functools import cache

from stages.config import REPO_ROOT, ConfigError
from stages.generate.store import Result

PROMPT_DIR = REPO_ROOT / "data" / "prompts" / "generate"
_PLACEHOLDER = re.compile(
    r"\[(?:insert|your|name|company|date|product|location|number|x+)\b[^\]]*\]"
    r"|\[[A-Z][A-Za-z ]{2,30}\](?!\()"  # [Company Name], but not a markdown link [Text](url)
    r"|\{(?!model_name\})[A-Za-z_ ]{1,30}\}"  # any {slot} other than the model-name placeholder
    r"|<insert[^>]*>|\bTBD\b|\bXXX+\b|lorem ipsum",
    re.IGNORECASE,
)


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
        found = [{f: tag_text(block, f) for f in fields} for block in blocks]
        return [item for item in found if all(item.values())], True
    lines = (re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line) for line in text.splitlines())
    plain = [re.sub(r"</?\w+>", "", line).strip() for line in lines]
    plain = [line for line in plain if line and not line.endswith(":")]
    return ([dict.fromkeys(fields, line) for line in plain] if fields else plain), False


def tag_text(text: str, tag: str) -> str:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.S)
    return match.group(1).strip() if match else ""


def gate(result: Result | None, tag: str) -> tuple[str, str]:
    """(body of `<tag>`, or the whole text when `tag` is empty, "") for a usable output, else
    ("", why it is dropped)."""
    if result is None:
        return "", "request failed"
    if result.stop_reason == "max_tokens":
        return "", "truncated"
    body = tag_text(result.text, tag) if tag else result.text.strip()
    if not body:
        return "", "empty" if not tag else "truncated" if f"<{tag}>" in result.text else "untagged"
    if _PLACEHOLDER.search(body):
        return "", "placeholder"
    return body, ""
