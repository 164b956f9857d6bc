"""Safe YAML reading that keeps line/column positions and refuses hostile files.

PyYAML's SafeLoader composes a node tree; we build plain values from it ourselves so that
every mapping key and list item keeps its position, aliases cannot expand past a budget
(a "billion laughs" file is refused in milliseconds), and only the standard YAML tags are
accepted (`!!python/...` and every other custom tag are refused).
"""

from __future__ import annotations

import re
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
    flow: bool = False  # written as `{a: 1, b: 2}`


class Seq(list[Any]):
    """A list that remembers where it and each of its items stand."""

    pos: Pos
    item_pos: list[Pos]


@dataclass
class _Budget:
    chars: int = 0
    nodes: int = 0
    active: set[int] = field(default_factory=set)
    # problems that do not stop the reading (duplicate keys), reported with the rest
    problems: list[YamlRefused] = field(default_factory=list)


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
    value, problems = parse_document(text)
    if problems:
        raise problems[0]
    return value


def parse_document(text: str) -> tuple[Any, list[YamlRefused]]:
    """Parse one YAML document, returning it with the problems that did not stop the reading
    (a duplicate key keeps its first value); raise YamlRefused when it cannot be read."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise YamlRefused(f"text is over the {MAX_FILE_BYTES:,}-byte (1 MiB) limit")
    loader: yaml.SafeLoader | None = None
    try:
        # The reader checks every character as the loader is made: inside the try.
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None, []
        budget = _Budget()
        return _build(node, loader, budget), budget.problems
    except yaml.reader.ReaderError as exc:
        raise YamlRefused(_reader_problem(exc), _pos_at(text, exc.position)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(mark.line + 1, mark.column + 1) if mark else None
        raise YamlRefused(plain_words(exc, text), pos) from None
    except yaml.YAMLError as exc:
        raise YamlRefused(f"YAML error: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()


def plain_words(exc: yaml.MarkedYAMLError, text: str = "") -> str:
    """The parser's complaint as an admin would say it (the position is given apart)."""
    mark = exc.problem_mark
    lines = text.splitlines()
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    before = line[: mark.column] if mark is not None else ""
    problem = exc.problem or ""
    context = exc.context or ""
    found = problem.split("but found ", 1)[1] if "but found " in problem else ""
    opened = exc.context_mark
    where = f" (it opens at line {opened.line + 1}, column {opened.column + 1})" if opened else ""
    if "\\t" in problem or "tab character" in problem:
        return "a tab character where only spaces may indent: indent with spaces"
    if "quoted scalar" in context:
        if "end of stream" in problem or "document separator" in problem:
            return f"a quoted text is not closed{where}: add the closing quote"
        if "escape" in problem:
            return (
                "an unknown backslash escape inside double quotes: use single quotes, "
                "or write \\\\ for a backslash"
            )
    if problem.startswith("mapping values are not allowed"):
        if re.fullmatch(r"\s*[\w.-]+\s*", before):
            return (
                "this key is indented more than the keys above it (or the line above has "
                "text that does not end): keys of one mapping start in the same column"
            )
        return (
            "a colon followed by a space inside a text that is not quoted: put the whole text "
            'in quotes, e.g. title: "Design: the basics"'
        )
    if "could not find expected ':'" in problem:
        return (
            "this line is neither `key: value` nor a `- ` list item: a colon missing after a "
            "key, or a long text that runs onto a line without being indented or quoted"
        )
    if "block mapping" in context and ("<block sequence start>" in found or found == "'-'"):
        return (
            "a `- ` list item among the keys of a mapping: indent the list under its key, "
            "or line it up with the item above"
        )
    if "block collection" in context or "<block sequence start>" in found or found == "'-'":
        return (
            "a list item is indented differently from the one above: every `- ` of one list "
            "starts in the same column"
        )
    if "block mapping" in context:
        if "<scalar>" in found:
            return (
                "text follows a finished value on the same line, or a key is indented "
                "differently from the keys above it: quote the text, or line the key up"
            )
        return (
            "a key is indented differently from the keys above it: keys of one mapping start "
            "in the same column"
        )
    if "flow mapping" in context:
        return (
            f"a `{{...}}` mapping is not closed, or its entries lack a comma between them{where}; "
            "text with a comma, colon or brace inside `{...}` must be quoted"
        )
    if "flow sequence" in context:
        return (
            f"a `[...]` list is not closed, or its items lack a comma between them{where}; "
            "text with a comma or bracket inside `[...]` must be quoted"
        )
    if "undefined alias" in problem:
        return "an alias (`*name`) refers to no anchor (`&name`) above it"
    if "that cannot start any token" in problem:
        char = problem.split("character ", 1)[1].split(" that", 1)[0]
        return f"a value cannot start with {char} unless it is quoted: put the text in quotes"
    if "alphabetic or numeric" in problem and ("alias" in context or "anchor" in context):
        return "`*` or `&` at the start of a value begins an alias or anchor: quote the text"
    if "block scalar" in context:
        return "after `|` or `>` only an indentation or chomping sign and a comment may follow"
    if "expected the node content" in problem:
        return "a value is missing here (a stray comma, dash or closing bracket?)"
    if "another document" in problem:
        return "a second document (`---`) in the file: a file holds one document"
    if "<document start>" in problem:
        return "a line starts at the far left where the document should have ended"
    return f"YAML syntax error: {problem or context or 'invalid YAML'}"


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
            mapping.flow = bool(node.flow_style)
            for key_node, value_node in node.value:
                key = _build(key_node, loader, budget)
                if not isinstance(key, str):
                    key = str(key)
                if key in mapping:
                    first = mapping.key_pos[key]
                    budget.problems.append(
                        YamlRefused(
                            f"duplicate key {key!r} (first at line {first.line}); "
                            "the first one is kept",
                            Pos.of(key_node),
                        )
                    )
                    continue
                mapping[key] = _build(value_node, loader, budget)
                mapping.key_pos[key] = Pos.of(key_node)
            return mapping
    finally:
        budget.active.discard(id(node))
    raise YamlRefused(f"unsupported YAML node {type(node).__name__}", Pos.of(node))
