"""Every YAML example in the docs reads as YAML, and every example content file lints clean.

A ```yaml block whose first line is a `# path/to/file.yaml` comment is a content file: the
files of one document are linted together, a `pack:` mapping starting a new pack. Any other
block (a fragment, or a non-content file) must at least parse.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content.lint import lint_texts
from bot.content.yamlsafe import parse

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.S | re.M)
FILE_COMMENT = re.compile(r"#\s*(\S+\.ya?ml)\s*$")


def _blocks(doc: Path) -> list[tuple[int, str]]:
    text = doc.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 1, m.group(1)) for m in BLOCK.finditer(text)]


def _packs(doc: Path) -> list[list[tuple[str, str]]]:
    """The content files of a document, grouped into packs."""
    groups: list[list[tuple[str, str]]] = []
    for line, block in _blocks(doc):
        first = block.splitlines()[0] if block else ""
        named = FILE_COMMENT.fullmatch(first.strip())
        if named is None:
            continue
        name = f"{doc.name}:{line}:{named.group(1)}"
        if isinstance(parse(block), dict) and isinstance(parse(block).get("pack"), dict):
            groups.append([])
        if not groups:
            groups.append([])
        groups[-1].append((name, block))
    return groups


DOC_FILES = sorted(DOCS.glob("*.md"))


def test_the_docs_have_yaml_examples() -> None:
    assert any(_blocks(doc) for doc in DOC_FILES)
    assert any(_packs(doc) for doc in DOC_FILES)


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: p.name)
def test_every_yaml_example_parses(doc: Path) -> None:
    for line, block in _blocks(doc):
        try:
            parse(block)
        except Exception as exc:  # the message names the block
            pytest.fail(f"{doc.name}: the ```yaml block at line {line} does not parse: {exc}")


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: p.name)
def test_every_example_content_file_lints(doc: Path) -> None:
    for group in _packs(doc):
        result = lint_texts([(name, text, None) for name, text in group])
        assert result.ok, "\n".join(str(p) for p in result.problems)
