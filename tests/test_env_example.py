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
