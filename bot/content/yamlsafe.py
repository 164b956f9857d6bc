"""Safe YAML reading that keeps line/column positions and refuses hostile files.

PyYAML's SafeLoader composes a node tree; we build plain values from it ourselves so that
every mapping key and list item keeps its position, aliases cannot expand past a budget
(a "billion laughs" file is refused in milliseconds), and only the standard YAML tags are
accepted (`!!python/...` and every other custom tag are refused).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 1024 * 1024
# An expanded document may hold at most this many characters of scalars and this many nodes.
MAX_EXPANDED_CHARS = MAX_FILE_BYTES
MAX_NODES = 200_000

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}


@dataclass(frozen=True)
class Pos:
    line: int  # 1-based
    column: int  # 1-based

    @staticmethod
    def of(node: yaml.Node) -> Pos:
        return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


class YamlRefused(Exception):
    """The file cannot be read at all; `pos` says where, when known."""

    def __init__(self, message: str, pos: Pos | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos or Pos(1, 1)


class Map(dict[str, Any]):
    """A mapping that remembers where it and each of its keys stand."""

    pos: Pos
    key_pos: dict[str, Pos]


class Seq(list[Any]):
    """A list that remembers where it and each of its items stand."""

    pos: Pos
    item_pos: list[Pos]


@dataclass
class _Budget:
    chars: int = 0
    nodes: int = 0
    active: set[int] = field(default_factory=set)


def read_text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise YamlRefused(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} (1 MiB)")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlRefused(f"file is not UTF-8 text ({exc.reason})") from None


def parse(text: str) -> Any:
    """Parse one YAML document into Map/Seq/scalars, or raise YamlRefused."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise YamlRefused(f"text is over the {MAX_FILE_BYTES:,}-byte (1 MiB) limit")
    loader: yaml.SafeLoader | None = None
    try:
        # The reader checks every character as the loader is made: inside the try.
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None
        return _build(node, loader, _Budget())
    except yaml.reader.ReaderError as exc:
        raise YamlRefused(_reader_problem(exc), _pos_at(text, exc.position)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(mark.line + 1, mark.column + 1) if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlRefused(f"YAML syntax error: {problem}", pos) from None
    except yaml.YAMLError as exc:
        raise YamlRefused(f"YAML error: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()


def _reader_problem(exc: yaml.reader.ReaderError) -> str:
    char = exc.character
    code = char if isinstance(char, int) else ord(char) if char else 0
    return f"character U+{code:04X} is not allowed in YAML (a control character?)"


def _pos_at(text: str, index: int) -> Pos:
    """Line and column (1-based) of a character index."""
    before = text[:index]
    line = before.count("\n") + 1
    return Pos(line, index - (before.rfind("\n") + 1) + 1)


def _build(node: yaml.Node, loader: yaml.SafeLoader, budget: _Budget) -> Any:
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise YamlRefused("document expands to too many nodes (an alias bomb?)", Pos.of(node))
    if node.tag not in _STANDARD_TAGS:
        raise YamlRefused(f"tag {node.tag!r} is not allowed", Pos.of(node))
    if id(node) in budget.active:
        raise YamlRefused("recursive alias", Pos.of(node))
    if isinstance(node, yaml.ScalarNode):
        budget.chars += len(node.value)
        if budget.chars > MAX_EXPANDED_CHARS:
            raise YamlRefused(
                "document expands past 1 MiB through anchors and aliases", Pos.of(node)
            )
        return loader.construct_object(node, deep=True)
    budget.active.add(id(node))
    try:
        if isinstance(node, yaml.SequenceNode):
            seq = Seq()
            seq.pos, seq.item_pos = Pos.of(node), []
            for item in node.value:
                seq.append(_build(item, loader, budget))
                seq.item_pos.append(Pos.of(item))
            return seq
        if isinstance(node, yaml.MappingNode):
            loader.flatten_mapping(node)  # resolves `<<:` merge keys
            mapping = Map()
            mapping.pos, mapping.key_pos = Pos.of(node), {}
            for key_node, value_node in node.value:
                key = _build(key_node, loader, budget)
                if not isinstance(key, str):
                    key = str(key)
                if key in mapping:
                    raise YamlRefused(f"duplicate key {key!r}", Pos.of(key_node))
                mapping[key] = _build(value_node, loader, budget)
                mapping.key_pos[key] = Pos.of(key_node)
            return mapping
    finally:
        budget.active.discard(id(node))
    raise YamlRefused(f"unsupported YAML node {type(node).__name__}", Pos.of(node))
