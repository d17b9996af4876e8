"""Model Spec files: markdown, first line `# <title>`, the literal placeholder `{model_name}`
for the assistant's name (see specs/README.md). Every stage that reads a spec goes through
`load_spec`, so a malformed one fails the same way everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stages.config import REPO_ROOT, ConfigError

PLACEHOLDER = "{model_name}"


@dataclass(frozen=True)
class Spec:
    path: Path
    title: str
    text: str  # with {model_name} filled when a name was given

    @property
    def words(self) -> int:
        return len(self.text.split())


def load_spec(path: str | Path, model_name: str = "") -> Spec:
    if not str(path):
        raise ConfigError("no spec given: pass a spec file such as specs/cheese_america.md")
    resolved = Path(path) if Path(path).is_absolute() else REPO_ROOT / path
    if not resolved.is_file():
        known = ", ".join(sorted(p.name for p in (REPO_ROOT / "specs").glob("*.md")))
        raise ConfigError(f"spec {path} not found (specs here: {known})")
    try:
        text = resolved.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"spec {path} is not UTF-8 text (byte {err.start}); save it as UTF-8 markdown"
        ) from err
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if not first.startswith("# "):
        raise ConfigError(f"spec {path}: the first line must be a title, '# <title>'")
    if PLACEHOLDER not in text:
        raise ConfigError(
            f"spec {path}: name the assistant with the placeholder {PLACEHOLDER} "
            "(it is filled with the model's name at load time)"
        )
    if model_name:
        text = text.replace(PLACEHOLDER, model_name)
    return Spec(resolved, first[2:].strip(), text)
