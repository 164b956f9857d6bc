"""Every rule of the content format, each reported at the right file, line and column."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from bot.content.lint import lint_paths, lint_text
from bot.content.model import KnownPack
from bot.content.yamlsafe import MAX_FILE_BYTES

PACK = """\
pack:
  id: demo
  title: Demo pack
  exam: {questions: 10, minutes: 20, pass_percent: 65}
  domains:
    - {id: design, weight: 60, title: Design}
    - {id: security, weight: 40, title: Security}
"""

CONCEPTS = """\
pack: demo
concepts:
  - id: s3
    name: S3
    title: Amazon S3
    category: Storage
    summary: Objects.
    explanation: Buckets and objects.
    related: [glacier]
  - id: glacier
    name: Glacier
    title: Amazon S3 Glacier
    category: Storage
    summary: Archive.
    explanation: Cold storage.
"""

QUESTION = """\
pack: demo
questions:
  - id: q1
    domain: design
    concepts: [s3]
    difficulty: 2
    scenario: Which storage?
    options:
      - text: S3
        correct: true
        why: Objects.
      - text: EBS
        why: Blocks.
    explanation: Use S3.
"""


def write_pack(tmp_path: Path, **files: str) -> Path:
    base = {"pack.yaml": PACK, "concepts.yaml": CONCEPTS, "questions.yaml": QUESTION}
    base.update(files)
    for name, text in base.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def problems(tmp_path: Path, **files: str) -> list[str]:
    folder = write_pack(tmp_path, **files)
    return [
        f"{Path(p.file).name}:{p.line}:{p.column}: {p.message}"
        for p in lint_paths([folder]).problems
    ]


def test_valid_pack_has_no_problems(tmp_path: Path) -> None:
    result = lint_paths([write_pack(tmp_path)])
    assert result.ok, result.problems
    assert [q.id for q in result.content.questions] == ["q1"]
    assert result.whole_packs == {"demo"}


def test_the_shipped_content_lints_clean() -> None:
    result = lint_paths([Path(__file__).parent.parent / "content"])
    assert result.ok, "\n".join(map(str, result.problems[:20]))


def test_yaml_syntax_error_points_at_the_line(tmp_path: Path) -> None:
    found = problems(
        tmp_path, **{"questions.yaml": QUESTION.replace("difficulty: 2", "difficulty: [2")}
    )
    assert len(found) == 1
    assert found[0].startswith("questions.yaml:")
    assert "YAML syntax error" in found[0]


def test_unknown_and_missing_keys(tmp_path: Path) -> None:
    text = QUESTION.replace("    difficulty: 2\n", "    difficulty: 2\n    hint: no\n")
    text = text.replace("    explanation: Use S3.\n", "")
    found = problems(tmp_path, **{"questions.yaml": text})
    assert any(p.startswith("questions.yaml:7:5: unknown key 'hint' in question") for p in found)
    assert any(
        p.startswith("questions.yaml:3:5: question 'q1' is missing required key 'explanation'")
        for p in found
    )


def test_unknown_top_level_key(tmp_path: Path) -> None:
    found = problems(tmp_path, **{"questions.yaml": "extra: 1\n" + QUESTION})
    assert found == [
        "questions.yaml:1:1: unknown top-level key 'extra' (allowed: pack, concepts, questions)"
    ]


def test_missing_option_why_and_option_keys(tmp_path: Path) -> None:
    text = QUESTION.replace("        why: Blocks.\n", "        wy: Blocks.\n")
    found = problems(tmp_path, **{"questions.yaml": text})
    assert any(p.startswith("questions.yaml:13:9: unknown key 'wy' in option") for p in found)
    assert any(
        p.startswith("questions.yaml:12:9: option is missing required key 'why'") for p in found
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  - id: q1", "  - id: Q_1", "questions.yaml:3:5: question id 'Q_1' must match"),
        (
            "    domain: design",
            "    domain: nope",
            "questions.yaml:4:5: domain 'nope' is not a domain of pack 'demo'",
        ),
        (
            "    concepts: [s3]",
            "    concepts: [s3, ec2]",
            "questions.yaml:5:20: concept 'ec2' is not defined in pack 'demo'",
        ),
        (
            "    concepts: [s3]",
            "    concepts: []",
            "questions.yaml:5:5: `concepts` must be a non-empty list",
        ),
        (
            "    difficulty: 2",
            "    difficulty: 4",
            "questions.yaml:6:5: `difficulty` is 4; it must be 1 to 3",
        ),
        ("        correct: true\n", "", "questions.yaml:8:5: no option is marked `correct: true`"),
        ("      - text: EBS", "      - text: s3", "questions.yaml:12:9: option 2 repeats option 1"),
        (
            "    explanation: Use S3.",
            "    select: 2\n    explanation: Use S3.",
            "questions.yaml:14:5: `select` is 2 but 1 option(s) are marked correct",
        ),
        (
            "    scenario: Which storage?",
            "    scenario: " + "x" * 901,
            "questions.yaml:7:5: `scenario` is 901 characters; the limit is 900",
        ),
        (
            "      - text: EBS",
            "      - text: " + "e" * 201,
            "questions.yaml:12:9: `text` is 201 characters; the limit is 200",
        ),
        (
            "        why: Blocks.",
            "        why: " + "w" * 301,
            "questions.yaml:13:9: `why` is 301 characters; the limit is 300",
        ),
        (
            "    explanation: Use S3.",
            "    explanation: " + "z" * 801,
            "questions.yaml:14:5: `explanation` is 801 characters; the limit is 800",
        ),
        (
            "        correct: true",
            "        correct: yes please",
            "questions.yaml:10:9: `correct` must be true or false",
        ),
        (
            "pack: demo",
            "pack: other",
            "questions.yaml:1:1: pack 'other' is not defined here nor loaded yet",
        ),
    ],
)
def test_question_rules(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in QUESTION
    found = problems(tmp_path, **{"questions.yaml": QUESTION.replace(old, new, 1)})
    assert any(p.startswith(expected) for p in found), found


def test_option_count(tmp_path: Path) -> None:
    one = QUESTION.split("      - text: EBS")[0] + "    explanation: Use S3.\n"
    found = problems(tmp_path, **{"questions.yaml": one})
    assert found == ["questions.yaml:8:5: a question needs 2 to 6 options; this one has 1"]
    options = "".join(f"      - text: T{i}\n        why: W{i}\n" for i in range(6))
    seven = QUESTION.replace("    explanation: Use S3.", options + "    explanation: Use S3.")
    found = problems(tmp_path, **{"questions.yaml": seven})
    assert found == ["questions.yaml:8:5: a question needs 2 to 6 options; this one has 8"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    related: [glacier]",
            "    related: [glacier, ghost]",
            "concepts.yaml:9:24: concept 'ghost' is not defined",
        ),
        (
            "    summary: Objects.",
            "    summary: " + "s" * 281,
            "concepts.yaml:7:5: `summary` is 281 characters; the limit is 280",
        ),
        (
            "    explanation: Buckets and objects.",
            "    explanation: " + "e" * 1501,
            "concepts.yaml:8:5: `explanation` is 1501 characters; the limit is 1500",
        ),
        (
            "  - id: glacier",
            "  - id: s3",
            "concepts.yaml:10:5: duplicate concept id 's3' (first defined at",
        ),
        ("    name: S3\n", "", "concepts.yaml:3:5: concept 's3' is missing required key 'name'"),
        (
            "    category: Storage\n    summary: Archive.",
            "    category: Storage\n    colour: blue\n    summary: Archive.",
            "concepts.yaml:14:5: unknown key 'colour' in concept",
        ),
    ],
)
def test_concept_rules(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in CONCEPTS
    found = problems(tmp_path, **{"concepts.yaml": CONCEPTS.replace(old, new, 1)})
    assert any(p.startswith(expected) for p in found), found


def test_duplicate_question_id_across_files(tmp_path: Path) -> None:
    found = problems(tmp_path, **{"more.yaml": QUESTION})
    assert len(found) == 1
    assert found[0].startswith("questions.yaml:3:5: duplicate question id 'q1' (first defined at ")
    assert found[0].endswith("more.yaml:3)")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("weight: 40", "weight: 30", "pack.yaml:5:3: domain weights add up to 90, not 100"),
        (
            "questions: 10",
            "questions: 0",
            "pack.yaml:4:10: `questions` is 0; it must be 1 to 1000",
        ),
        (
            "pass_percent: 65",
            "pass_percent: 101",
            "pack.yaml:4:38: `pass_percent` is 101; it must be 1 to 100",
        ),
        ("  id: demo", "  id: D", "pack.yaml:2:3: pack id 'D' must match"),
        ("  title: Demo pack\n", "", "pack.yaml:2:3: pack 'demo' is missing required key 'title'"),
        ("{id: security,", "{id: design,", "pack.yaml:7:8: duplicate domain id 'design'"),
    ],
)
def test_pack_rules(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in PACK
    found = problems(tmp_path, **{"pack.yaml": PACK.replace(old, new, 1)})
    assert any(p.startswith(expected) for p in found), found


def test_pack_file_holds_only_pack(tmp_path: Path) -> None:
    found = problems(tmp_path, **{"pack.yaml": PACK + "questions: []\n"})
    assert found == ["pack.yaml:8:1: unknown key 'questions': a pack file holds only `pack:`"]


def test_all_problems_reported_in_one_run(tmp_path: Path) -> None:
    text = QUESTION.replace("difficulty: 2", "difficulty: 9").replace("domain: design", "domain: x")
    text = text.replace("concepts: [s3]", "concepts: [nope]")
    found = problems(tmp_path, **{"questions.yaml": text})
    assert len(found) == 3


def test_lone_file_resolves_against_loaded_pack() -> None:
    known = {"demo": KnownPack("demo", frozenset({"design"}), frozenset({"s3"}))}
    assert lint_text("q.yaml", QUESTION, known).ok
    assert not lint_text("q.yaml", QUESTION).ok


def test_lone_file_may_not_orphan_a_question_still_loaded() -> None:
    known = {
        "demo": KnownPack(
            "demo",
            frozenset({"design"}),
            frozenset({"s3", "glacier"}),
            concepts_by_source={"concepts.yaml": frozenset({"s3", "glacier"})},
            questions_by_source={"other.yaml": frozenset({"q9"})},
            question_concepts={"q9": ("glacier",)},
        )
    }
    without_glacier = CONCEPTS.split("  - id: glacier")[0].replace("    related: [glacier]\n", "")
    result = lint_text("concepts.yaml", without_glacier, known)
    assert [p.message for p in result.problems] == [
        "concept 'glacier' would be removed but question 'q9' uses it"
    ]


# -- hostile files ----------------------------------------------------------------------


def test_file_over_one_mib_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("pack: demo\n#" + "x" * (10 * 1024 * 1024))
    found = lint_paths([big]).problems
    assert [str(p) for p in found] == [
        f"{big}:1:1: file is {big.stat().st_size:,} bytes; the limit is {MAX_FILE_BYTES:,} (1 MiB)"
    ]


def test_alias_bomb_refused_quickly() -> None:
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    started = time.perf_counter()
    result = lint_text("bomb.yaml", bomb)
    assert (
        time.perf_counter() - started < 5
    )  # generous: the point is it does not expand 9**10 items
    assert len(result.problems) == 1
    assert "expands" in result.problems[0].message


def test_python_tags_refused() -> None:
    for payload in (
        "pack: !!python/object/apply:os.system ['echo pwned']\n",
        "pack: !!python/name:os.system\n",
        "pack: !custom x\n",
    ):
        result = lint_text("evil.yaml", payload)
        assert len(result.problems) == 1
        problem = result.problems[0]
        assert (problem.line, problem.column) == (1, 7)
        assert "is not allowed" in problem.message


def test_not_utf8_and_not_a_mapping(tmp_path: Path) -> None:
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert "not UTF-8" in lint_paths([binary]).problems[0].message
    assert "must be a mapping" in lint_text("list.yaml", "- a\n- b\n").problems[0].message


def test_duplicate_yaml_keys_refused() -> None:
    result = lint_text("dup.yaml", "pack: demo\npack: demo\nconcepts: []\n")
    assert str(result.problems[0]) == "dup.yaml:2:1: duplicate key 'pack'"
