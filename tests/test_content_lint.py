"""Every rule of the content format, each reported at the right file, line and column."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from bot.content.lint import lint_paths, lint_text
from bot.content.model import KnownPack
from bot.content.yamlsafe import MAX_FILE_BYTES
from tests.conftest import MINIPACK

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
    tmp_path.mkdir(parents=True, exist_ok=True)
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
    assert "`[...]` list is not closed" in found[0]
    assert "opens at line 6, column 17" in found[0]
    assert "expected" not in found[0]  # the parser's jargon is not shown


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
            "pack.yaml:4:10: `questions` is 0; it must be 1 to 500",
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


# Independent defects, each a (file, old, new) edit of the valid pack.
DEFECTS = [
    ("questions.yaml", "    difficulty: 2\n", "    difficulty: 2\n    level: 3\n"),  # unknown key
    ("questions.yaml", "    explanation: Use S3.\n", ""),  # missing key
    ("questions.yaml", "        why: Blocks.\n", "        wy: Blocks.\n"),  # option keys
    ("questions.yaml", "      - text: S3\n", "      - text: S3\n        hint: x\n"),
    ("questions.yaml", "concepts: [s3]", "concepts: [s3, '', nope]"),
    ("questions.yaml", "difficulty: 2", "difficulty: 9"),
    ("questions.yaml", "    domain: design\n", "    domain: design\n    domain: x\n"),  # dup key
    ("concepts.yaml", "    summary: Objects.\n", ""),
    ("concepts.yaml", "    name: S3\n", "    name: S3\n    colour: red\n"),
    ("concepts.yaml", "related: [glacier]", "related: [glacier, 7]"),
    ("pack.yaml", "weight: 40, title: Security", "weight: 40, tittle: Security"),
    ("pack.yaml", "  title: Demo pack\n", "  title: Demo pack\n  owner: me\n"),
]


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    """Fixing what one run reports never uncovers more: all defects together are reported
    exactly as each is alone."""
    base = {"pack.yaml": PACK, "concepts.yaml": CONCEPTS, "questions.yaml": QUESTION}

    def edited(defects: list[tuple[str, str, str]]) -> dict[str, str]:
        files = dict(base)
        for name, old, new in defects:
            assert old in files[name], old
            files[name] = files[name].replace(old, new, 1)
        return files

    def without_lines(found: list[str]) -> set[str]:
        # Edits together shift lines; compare file and message.
        return {re.sub(r":\d+:\d+:|line \d+", "", f) for f in found}

    alone: set[str] = set()
    for index, defect in enumerate(DEFECTS):
        found = problems(tmp_path / f"alone{index}", **edited([defect]))
        assert found, defect
        alone |= without_lines(found)
    together = problems(tmp_path / "together", **edited(DEFECTS))
    assert without_lines(together) == alone
    assert len(together) >= len(DEFECTS)


def test_commas_in_a_flow_mapping_get_a_hint(tmp_path: Path) -> None:
    text = PACK.replace("title: Security}", "title: Data security, privacy}")
    found = problems(tmp_path, **{"pack.yaml": text})
    assert any(
        "unknown key 'privacy' in domain" in f and "put text with commas in quotes" in f
        for f in found
    ), found


def test_lone_file_resolves_against_loaded_pack() -> None:
    known = {"demo": KnownPack("demo", {"main": frozenset({"design"})}, frozenset({"s3"}))}
    assert lint_text("q.yaml", QUESTION, known).ok
    assert not lint_text("q.yaml", QUESTION).ok


def test_lone_file_may_not_orphan_a_question_still_loaded() -> None:
    known = {
        "demo": KnownPack(
            "demo",
            {"main": frozenset({"design"})},
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
    # The loader counts nodes as aliases expand and stops at its limit, so this returns
    # without building 9**10 items (no wall-clock check: a loaded machine would fail it).
    result = lint_text("bomb.yaml", bomb)
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
    assert "dup.yaml:2:1: duplicate key 'pack' (first at line 1); the first one is kept" in [
        str(p) for p in result.problems
    ]


# -- several exam blueprints in one pack ---------------------------------------------

MULTI_PACK = """\
pack:
  id: demo
  title: Demo pack
  blueprints:
    - id: c03
      title: The current exam
      exam: {questions: 65, minutes: 130, pass_percent: 72}
      note: Scaled on the real exam; ours approximates it.
      domains:
        - {id: secure, weight: 70, short: Secure, title: Design secure architectures}
        - {id: cost, weight: 30, title: Design cost-optimized architectures}
    - id: old
      title: The old exam
      exam: {questions: 60, minutes: 80, pass_percent: 65}
      domains:
        - {id: design, weight: 60, title: Design}
        - {id: security, weight: 40, title: Security}
"""

MULTI_QUESTION = QUESTION.replace("    domain: design", "    domains: {c03: cost, old: design}")


def multi_problems(
    tmp_path: Path, pack: str = MULTI_PACK, question: str = MULTI_QUESTION
) -> list[str]:
    return problems(tmp_path, **{"pack.yaml": pack, "questions.yaml": question})


def test_multi_blueprint_pack_classifies_each_question_in_every_blueprint(tmp_path: Path) -> None:
    result = lint_paths(
        [write_pack(tmp_path, **{"pack.yaml": MULTI_PACK, "questions.yaml": MULTI_QUESTION})]
    )
    assert result.ok, result.problems
    (pack,) = result.content.packs
    assert [b.id for b in pack.blueprints] == ["c03", "old"]
    assert (pack.exam_questions, pack.exam_minutes, pack.pass_percent) == (65, 130, 72)
    assert [d.label for d in pack.default.domains] == [
        "Secure",
        "Design cost-optimized architectures",
    ]
    assert pack.default.note.startswith("Scaled")
    (question,) = result.content.questions
    assert question.domain == "cost"  # the default blueprint's
    assert question.domains == (("c03", "cost"), ("old", "design"))


def test_blueprint_order_in_a_question_does_not_matter(tmp_path: Path) -> None:
    text = QUESTION.replace("    domain: design", "    domains: {old: design, c03: cost}")
    result = lint_paths([write_pack(tmp_path, **{"pack.yaml": MULTI_PACK, "questions.yaml": text})])
    assert result.ok, result.problems
    assert result.content.questions[0].domains == (("c03", "cost"), ("old", "design"))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    domains: {c03: cost, old: design}",
            "    domain: design",
            "questions.yaml:4:5: pack 'demo' has blueprints c03, old: classify the question in "
            "each with `domains: {c03: …, old: …}` instead of `domain:`",
        ),
        (
            "    domains: {c03: cost, old: design}",
            "    domains: {c03: cost}",
            "questions.yaml:4:5: `domains` must name every blueprint of pack 'demo'; missing old",
        ),
        (
            "    domains: {c03: cost, old: design}",
            "    domains: {c03: nope, old: design}",
            "questions.yaml:4:15: domain 'nope' is not a domain of blueprint 'c03' of pack 'demo' "
            "(cost, secure)",
        ),
        (
            "    domains: {c03: cost, old: design}",
            "    domains: {c03: cost, old: design, c02: design}",
            "questions.yaml:4:39: 'c02' is not a blueprint of pack 'demo' (c03, old)",
        ),
        (
            "    domains: {c03: cost, old: design}",
            "    domains: {c03: cost, old: design}\n    domain: design",
            "questions.yaml:4:5: give either `domain` or `domains`, not both",
        ),
        (
            "    domains: {c03: cost, old: design}",
            "    domains: [cost, design]",
            "questions.yaml:4:5: `domains` must map each blueprint id of the pack to a domain id",
        ),
        (
            "    domains: {c03: cost, old: design}",
            "    domains: {c03: cost, old: [design]}",
            "questions.yaml:4:26: `domains.old` must be a domain id",
        ),
        (
            "    domains: {c03: cost, old: design}\n",
            "",
            "questions.yaml:3:5: question 'q1' is missing required key 'domains'",
        ),
    ],
)
def test_question_classification_rules(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in MULTI_QUESTION
    found = multi_problems(tmp_path, question=MULTI_QUESTION.replace(old, new, 1))
    assert any(p.startswith(expected) for p in found), found


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    - id: old\n", "    - id: c03\n", "pack.yaml:12:7: duplicate blueprint id 'c03'"),
        ("    - id: old\n", "    - id: Old!\n", "pack.yaml:12:7: blueprint id 'Old!' must match"),
        (
            "  blueprints:\n",
            "  exam: {questions: 1, minutes: 1, pass_percent: 1}\n  blueprints:\n",
            "pack.yaml:4:3: `exam` belongs inside each blueprint when the pack has `blueprints:`",
        ),
        (
            "short: Secure,",
            "short: A label much too long for a button,",
            "pack.yaml:10:36: `short` is 34 characters; the limit is 24",
        ),
        (
            "      note: Scaled on the real exam; ours approximates it.",
            "      note: " + "x" * 301,
            "pack.yaml:8:7: `note` is 301 characters; the limit is 300",
        ),
        (
            "{questions: 65,",
            "{questions: 501,",
            "pack.yaml:7:14: `questions` is 501; it must be 1 to 500",
        ),
        (
            "minutes: 130,",
            "minutes: 601,",
            "pack.yaml:7:29: `minutes` is 601; it must be 1 to 600",
        ),
        (
            "{id: cost, weight: 30,",
            "{id: cost, weight: 20,",
            "pack.yaml:9:7: domain weights add up to 90, not 100",
        ),
        (
            "      title: The old exam\n",
            "",
            "pack.yaml:12:7: blueprint 'old' is missing required key 'title'",
        ),
    ],
)
def test_blueprint_rules(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in MULTI_PACK
    found = multi_problems(tmp_path, pack=MULTI_PACK.replace(old, new, 1))
    assert any(p.startswith(expected) for p in found), found


def test_a_pack_needs_blueprints_or_exam_and_domains(tmp_path: Path) -> None:
    text = PACK.replace("  exam: {questions: 10, minutes: 20, pass_percent: 65}\n", "")
    found = problems(tmp_path, **{"pack.yaml": text})
    assert any(
        p.startswith(
            "pack.yaml:2:3: pack 'demo' needs `blueprints:` (or, for one blueprint, "
            "`exam:` and `domains:`); missing 'exam'"
        )
        for p in found
    ), found


def test_single_blueprint_pack_accepts_domain_or_a_one_entry_domains(tmp_path: Path) -> None:
    text = QUESTION.replace("    domain: design", "    domains: {main: design}")
    result = lint_paths([write_pack(tmp_path, **{"questions.yaml": text})])
    assert result.ok, result.problems
    assert result.content.questions[0].domains == (("main", "design"),)
    assert [b.id for b in result.content.packs[0].blueprints] == ["main"]


def test_old_single_blueprint_pack_hashes_as_before() -> None:
    """Pinned from the code before blueprints, so an old pack re-imports as unchanged."""
    result = lint_paths([MINIPACK])
    assert result.ok
    assert result.content.packs[0].content_hash() == (
        "68fcb6cafbb3e256dc99bc598a01674cc986e3be363cb6a90ba2a870d37582c3"
    )
    hashes = {q.id: q.content_hash() for q in result.content.questions}
    assert hashes["s3-archive"] == (
        "8d5d90bb52e89619f0bc679ed83f155b025fe27c0177b1073eda7f054709d274"
    )


def test_lone_question_file_is_checked_against_loaded_blueprints() -> None:
    known = {
        "demo": KnownPack(
            "demo",
            {"c03": frozenset({"secure", "cost"}), "old": frozenset({"design", "security"})},
            frozenset({"s3"}),
        )
    }
    result = lint_text("q.yaml", MULTI_QUESTION, known)
    assert result.ok, result.problems
    assert result.content.questions[0].domains == (("c03", "cost"), ("old", "design"))
    bad = lint_text("q.yaml", QUESTION, known)
    assert [str(p) for p in bad.problems] == [
        "q.yaml:4:5: pack 'demo' has blueprints c03, old: classify the question in each with "
        "`domains: {c03: …, old: …}` instead of `domain:`"
    ]


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (
            "pack: demo\nconcepts:\n  - id: a\n    name: A\n   - id: b\n",
            "5:4",
            "a list item is indented differently from the one above",
        ),
        ("pack:\n\tid: demo\n", "2:1", "a tab character where only spaces may indent"),
        (
            'pack: demo\nconcepts:\n  - id: a\n    name: "A\n',
            "5:1",
            "a quoted text is not closed (it opens at line 4, column 11)",
        ),
        (
            "pack: demo\nconcepts:\n  - id: a\n    title: Design: basics\n",
            "4:18",
            "a colon followed by a space inside a text that is not quoted",
        ),
        (
            "pack:\n  id: demo\n title: x\n",
            "3:2",
            "a key is indented differently from the keys above it",
        ),
        (
            "pack:\n  id: demo\n    title: x\n",
            "3:10",
            "this key is indented more than the keys above it",
        ),
        ("pack: demo\nconcepts: [a, b\n", "3:1", "a `[...]` list is not closed"),
        (
            "pack: demo\nconcepts:\n  - id: `a`\n",
            "3:9",
            "a value cannot start with '`' unless it is quoted",
        ),
    ],
)
def test_yaml_syntax_errors_in_plain_words(text: str, where: str, words: str) -> None:
    result = lint_text("bad.yaml", text)
    assert len(result.problems) == 1
    found = str(result.problems[0])
    assert found.startswith(f"bad.yaml:{where}: {words}"), found
    assert "expected" not in found and "<block" not in found
