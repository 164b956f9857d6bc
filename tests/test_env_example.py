"""`.env.example` documents every setting the tutor reads (and nothing it does not)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent
# Read by docker compose, not by the tutor.
COMPOSE_ONLY = {"POSTGRES_PASSWORD", "COMPOSE_PROFILES"}


def test_env_example_lists_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))
    settings = {info.alias for info in Settings.model_fields.values() if info.alias}
    assert settings - listed == set(), "settings missing from .env.example"
    assert listed - settings - COMPOSE_ONLY == set(), ".env.example names unknown settings"


def test_readme_configuration_table_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    listed = {
        name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])
    }
    settings = {info.alias for info in Settings.model_fields.values() if info.alias}
    assert settings - listed == set(), "settings missing from the README's configuration table"
    assert listed - settings == set(), "the README's configuration table names unknown settings"
