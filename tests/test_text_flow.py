"""`bot.text.flow`: authored line breaks go, paragraphs, list items and code stay."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.text import flow

LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")

ROOT = Path(__file__).resolve().parent.parent


def test_lines_of_a_paragraph_join_and_blank_lines_stay() -> None:
    text = "A media company keeps raw footage\nin S3 for years.\n\nWhich storage class\nfits?\n"
    assert (
        flow(text)
        == "A media company keeps raw footage in S3 for years.\n\nWhich storage class fits?"
    )


def test_list_items_stay_on_their_own_lines_and_continue_when_wrapped() -> None:
    text = "Pick one:\n- Deep Archive for\n  rarely read data\n- S3 Standard\n1. first\n2) second"
    assert flow(text) == (
        "Pick one:\n- Deep Archive for rarely read data\n- S3 Standard\n1. first\n2) second"
    )


def test_code_is_kept_as_written() -> None:
    text = "Run:\n\n```\naws s3 ls\n  --recursive\n```\nthen\ncheck.\n\n    indented\n    line two"
    assert flow(text) == (
        "Run:\n\n```\naws s3 ls\n  --recursive\n```\nthen check.\n\n    indented\n    line two"
    )


def test_already_flowing_text_is_unchanged() -> None:
    text = "One paragraph on one line.\n\nAnother one."
    assert flow(text) == text
    assert flow(flow(text)) == text


def _shipped_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted((ROOT / "content").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text()) or {}
        for q in data.get("questions", []) or []:
            texts += [q["scenario"], q["explanation"], *(o["why"] for o in q["options"])]
        for c in data.get("concepts", []) or []:
            texts += [c["summary"], c["explanation"]]
    return texts


def _mid_paragraph_breaks(text: str) -> int:
    """Line breaks inside a prose paragraph: what shows as a ragged short line on a phone
    (a line followed by another line that is neither a list item nor code)."""
    lines = text.splitlines()
    breaks = 0
    for line, following in zip(lines, lines[1:], strict=False):
        if not line.strip() or not following.strip() or line.startswith(("    ", "```")):
            continue
        if following.startswith(("    ", "```")) or LIST_ITEM.match(following):
            continue
        breaks += 1
    return breaks


def test_the_shipped_bank_flows_without_mid_paragraph_breaks() -> None:
    texts = _shipped_texts()
    assert len(texts) > 1000
    assert sum(_mid_paragraph_breaks(t) for t in texts) > 100  # the bank has literal blocks
    ragged = [t[:60] for t in texts if _mid_paragraph_breaks(flow(t))]
    assert ragged == []
