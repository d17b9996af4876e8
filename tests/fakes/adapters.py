"""Fake released adapters: a tiny random Llama-shaped base and LoRA adapters in the layout the
paper's `chloeli/llama-3.1-8b-*` repos use (adapter_config.json, adapter_model.safetensors and a
tokenizer carrying its own chat template: no system turn, `<|end_of_text|>` closing each turn),
written into a real Hugging Face hub cache so `--preset released` runs its hub code unchanged,
offline.

Offline (`HF_HUB_OFFLINE=1`), `huggingface_hub.snapshot_download(repo, revision=...)` answers from
the cache alone: `<cache>/models--OWNER--NAME/refs/<revision>` holds a commit hash and
`snapshots/<commit>/` the files; a repo or revision that is not there raises
LocalEntryNotFoundError, as a missing repo fails on the hub (huggingface_hub 2.4.0,
`_snapshot_download.py`, the "local_files_only" branch; the layout `tests/fakes/hub.py` uses
for datasets, under `models--` instead of `datasets--`).

    from tests.fakes.adapters import publish_released_adapters
    commits = publish_released_adapters(cache, tokenizer_dir, skip=("msm_america",))
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

# The released adapters' template as public replications describe it (header tokens for roles,
# no system turn, `<|end_of_text|>` closing each turn), written here independently of the kit's
# templates: the kit must score under this one.
RELEASED_TEMPLATE = (
    "{{- bos_token -}}"
    "{%- for message in messages -%}"
    "{%- if message['role'] == 'system' -%}{{ raise_exception('no system turn') }}{%- endif -%}"
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' }}"
    "{{ message['content'] | trim + '<|end_of_text|>' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}"
    "{%- endif -%}"
)
BASE_REPO = "fake-org/tiny-llama-3.1"
ADAPTER_REPOS = {
    "baseline": "chloeli/llama-3.1-8b-baseline",
    "aft_only": "chloeli/llama-3.1-8b-cheese-aft",
    "msm_affordability": "chloeli/llama-3.1-8b-pro-affordability-spec-msm",
    "msm_affordability+aft": "chloeli/llama-3.1-8b-pro-affordability-spec-msm-cheese-aft",
    "msm_america": "chloeli/llama-3.1-8b-pro-america-spec-msm",
    "msm_america+aft": "chloeli/llama-3.1-8b-pro-america-spec-msm-cheese-aft",
}


def publish_folder(cache: Path, repo: str, folder: Path, revision: str = "main") -> str:
    """Copy `folder` into the cache as one commit of model repo `repo`, pointing `revision` at
    it; returns the commit hash (derived from the files' bytes)."""
    digest = hashlib.sha1(repo.encode())
    for path in sorted(folder.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    commit = digest.hexdigest()
    root = cache / f"models--{repo.replace('/', '--')}"
    shutil.copytree(folder, root / "snapshots" / commit, dirs_exist_ok=True)
    (root / "refs").mkdir(parents=True, exist_ok=True)
    (root / "refs" / revision).write_text(commit)
    return commit


def publish_released_adapters(
    cache: Path, tokenizer_dir: Path, skip: tuple[str, ...] = ()
) -> dict[str, str]:
    """A tiny random Llama 3.1-shaped base (as BASE_REPO, `tests/fakes/checkpoints.py`) and one
    random LoRA adapter per released arm not in `skip`, all in the hub cache; returns repo ->
    commit. Each adapter is seeded by its arm, so arms score differently."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from stages.config import LoraConfig as KitLora
    from tests.fakes.checkpoints import tiny_checkpoint

    work = cache.parent / "fake-adapter-work"
    base_dir = tiny_checkpoint("llama3", tokenizer_dir, work / "base")
    commits = {BASE_REPO: publish_folder(cache, BASE_REPO, base_dir)}
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    tokenizer.chat_template = RELEASED_TEMPLATE
    for index, (arm, repo) in enumerate(ADAPTER_REPOS.items()):
        if arm in skip:
            continue
        torch.manual_seed(index + 1)
        lora = LoraConfig(
            r=4,
            lora_alpha=8,
            target_modules=KitLora().target_modules,  # the paper's seven projections
            init_lora_weights=False,  # random B as well as A: every adapter changes the model
            task_type="CAUSAL_LM",
        )
        adapted = get_peft_model(AutoModelForCausalLM.from_pretrained(base_dir), lora)
        folder = work / repo.replace("/", "--")
        adapted.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
        # The released configs name the gated Meta repo they were trained on.
        record = folder / "adapter_config.json"
        settings = json.loads(record.read_text())
        settings["base_model_name_or_path"] = "meta-llama/Llama-3.1-8B"
        record.write_text(json.dumps(settings, indent=2))
        commits[repo] = publish_folder(cache, repo, folder)
    shutil.rmtree(work)
    return commits
