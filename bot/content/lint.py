"""Validate question-bank YAML against the content format, reporting every problem at once.

Each problem is reported as `FILE:LINE:COLUMN: message`, pointing at the key or item at
fault. The rules are those of the content format (shared/content-format.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.content.archive import MAX_ZIP_BYTES, ArchiveRefused, is_archive, pack_files
from bot.content.model import (
    SINGLE_BLUEPRINT_ID,
    BlueprintSpec,
    ConceptSpec,
    ContentSet,
    DomainSpec,
    KnownPack,
    OptionSpec,
    PackSpec,
    QuestionSpec,
)
from bot.content.yamlsafe import Map, Pos, Seq, YamlRefused, parse_document, read_text

PACK_ID = re.compile(r"[a-z0-9-]{2,40}")
CONCEPT_ID = re.compile(r"[a-z0-9-]{1,60}")
QUESTION_ID = re.compile(r"[a-z0-9-]{1,80}")
DOMAIN_ID = re.compile(r"[a-z0-9-]{1,40}")
BLUEPRINT_ID = re.compile(r"[a-z0-9-]{1,40}")

SUMMARY_MAX = 280
CONCEPT_EXPLANATION_MAX = 1500
SCENARIO_MAX = 900
OPTION_TEXT_MAX = 200
WHY_MAX = 300
QUESTION_EXPLANATION_MAX = 800
TITLE_MAX = 300
NAME_MAX = 200
SHORT_MAX = 24
NOTE_MAX = 300
MAX_BLUEPRINTS = 10
EXAM_BOUNDS = {"questions": (1, 500), "minutes": (1, 600), "pass_percent": (1, 100)}
MIN_OPTIONS, MAX_OPTIONS = 2, 6

# A pack has either `blueprints:` or (the old single-blueprint form) `exam:` + `domains:`.
PACK_KEYS = ({"id", "title"}, {"exam", "domains", "blueprints"})
BLUEPRINT_KEYS = ({"id", "title", "exam", "domains"}, {"note"})
EXAM_KEYS = ({"questions", "minutes", "pass_percent"}, set[str]())
# The file name is stored as each item's source.
FILE_NAME_MAX = 200
DOMAIN_KEYS = ({"id", "weight", "title"}, {"short"})
CONCEPT_KEYS = (
    {"id", "name", "title", "category", "summary", "explanation"},
    {"aliases", "related"},
)
# Plus exactly one of `domain` (single-blueprint packs) or `domains` (any pack).
QUESTION_KEYS = (
    {"id", "concepts", "difficulty", "scenario", "options", "explanation"},
    {"select", "domain", "domains"},
)
OPTION_KEYS = ({"text", "why"}, {"correct"})


@dataclass(frozen=True)
class Classification:
    """How a question names its domains, checked once the pack's blueprints are known."""

    pos: Pos  # of the `domain`/`domains` key
    values: dict[str, tuple[str, Pos]]  # blueprint id ("" for `domain:`) -> (domain, pos)
    single: bool  # written as `domain: X`


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


@dataclass
class LintResult:
    problems: list[Problem]
    content: ContentSet
    whole_packs: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.problems


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    """The files a set of paths names: files as given, folders searched for *.yaml/*.yml."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            )
        else:
            found.append(path)
    return found


def lint_paths(paths: Iterable[Path], known: Mapping[str, KnownPack] | None = None) -> LintResult:
    files: list[tuple[str, str | None, Problem | None]] = []
    for path in yaml_files(paths):
        name = str(path)
        if not path.exists():
            files.append((name, None, Problem(name, 1, 1, "no such file or folder")))
            continue
        if is_archive(name):
            files.extend(_archive_files(path))
            continue
        try:
            files.append((name, read_text(path), None))
        except YamlRefused as exc:
            files.append((name, None, Problem(name, exc.pos.line, exc.pos.column, exc.message)))
    return lint_texts(files, known)


def _archive_files(path: Path) -> list[tuple[str, str | None, Problem | None]]:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_ZIP_BYTES:  # before reading it
            raise ArchiveRefused(f"{name} is {size:,} bytes; the limit is {MAX_ZIP_BYTES:,}")
        return [(member, text, None) for member, text in pack_files(name, path.read_bytes())]
    except ArchiveRefused as refused:
        return [(name, None, Problem(name, 1, 1, refused.message))]


def lint_text(name: str, text: str, known: Mapping[str, KnownPack] | None = None) -> LintResult:
    """Lint one file's text, e.g. an upload, against what the database already holds."""
    return lint_texts([(name, text, None)], known)


def lint_texts(
    files: list[tuple[str, str | None, Problem | None]],
    known: Mapping[str, KnownPack] | None = None,
) -> LintResult:
    checker = _Checker(dict(known or {}))
    for name, text, problem in files:
        if problem is not None:
            checker.problems.append(problem)
        elif text is not None:
            checker.check_file(name, text)
    checker.check_cross_references()
    problems = sorted(set(checker.problems))
    return LintResult(problems, checker.content, checker.whole_packs)


class _Checker:
    def __init__(self, known: dict[str, KnownPack]) -> None:
        self.known = known
        self.problems: list[Problem] = []
        self.content = ContentSet()
        self.whole_packs: set[str] = set()
        # pack -> [(blueprint id, its domain ids)], the default first
        self.blueprint_ids: dict[str, list[tuple[str, set[str]]]] = {}
        # questions whose classification is resolved once every file is read:
        # (index in content.questions or None, pack, how it was written, file, pos)
        self.classifications: list[tuple[int | None, str, Classification, str, Pos]] = []
        self.file = ""
        # (pack, id) -> (file, pos) of the first definition, to report duplicates
        self.seen_concepts: dict[tuple[str, str], tuple[str, Pos]] = {}
        self.seen_questions: dict[tuple[str, str], tuple[str, Pos]] = {}
        # references to resolve once every file is read: (pack, kind, id, file, pos)
        self.references: list[tuple[str, str, str, str, Pos]] = []
        self.pack_refs: list[tuple[str, str, Pos]] = []
        self.defined_concepts: dict[str, set[str]] = {}
        self.named_packs: set[str] = set()

    # -- reporting ---------------------------------------------------------------
    def report(self, pos: Pos, message: str, file: str | None = None) -> None:
        self.problems.append(Problem(file or self.file, pos.line, pos.column, message))

    # -- files -------------------------------------------------------------------
    def check_file(self, name: str, text: str) -> None:
        self.file = name
        base = Path(name).name
        if len(base) > FILE_NAME_MAX or not base.isprintable():
            self.report(
                Pos(1, 1),
                f"the file name is {len(base)} characters long; the limit is {FILE_NAME_MAX} "
                "printable characters: rename the file",
            )
            return
        try:
            doc, soft = parse_document(text)
        except YamlRefused as exc:
            self.report(exc.pos, exc.message)
            return
        for problem in soft:
            self.report(problem.pos, problem.message)
        if not isinstance(doc, Map):
            self.report(Pos(1, 1), "the file must be a mapping with `pack:` at the top")
            return
        if isinstance(doc.get("pack"), Map):
            self.check_pack_file(doc)
        else:
            self.check_items_file(doc)

    def check_pack_file(self, doc: Map) -> None:
        for key in doc:
            if key != "pack":
                self.report(
                    doc.key_pos[key], f"unknown key {key!r}: a pack file holds only `pack:`"
                )
        spec = self.pack_spec(doc["pack"])
        if spec is None:
            return
        if spec.id in self.whole_packs:
            self.report(doc.key_pos["pack"], f"pack {spec.id!r} is defined twice")
            return
        self.whole_packs.add(spec.id)
        self.content.packs.append(spec)
        self.blueprint_ids[spec.id] = [(b.id, {d.id for d in b.domains}) for b in spec.blueprints]

    def pack_spec(self, m: Map) -> PackSpec | None:
        keys_ok = self.keys(m, PACK_KEYS, "pack")
        pack_id = self.ident(m, "id", PACK_ID, "pack id")
        if pack_id is not None:
            self.named_packs.add(pack_id)  # its files' references are checked even if it fails
        title = self.text(m, "title", TITLE_MAX)
        blueprints: list[BlueprintSpec] | None = None
        single = "blueprints" not in m
        if not single:
            for key in ("exam", "domains"):
                if key in m:
                    self.report(
                        m.key_pos[key],
                        f"`{key}` belongs inside each blueprint when the pack has `blueprints:`",
                    )
            blueprints = self.blueprints(m)
        else:
            missing = [k for k in ("exam", "domains") if k not in m]
            if missing:
                label = f" {m['id']!r}" if isinstance(m.get("id"), str) else ""
                self.report(
                    m.pos,
                    f"pack{label} needs `blueprints:` (or, for one blueprint, `exam:` and "
                    f"`domains:`); missing {', '.join(repr(k) for k in missing)}",
                )
            else:
                fields = self.blueprint_fields(m)
                if fields is not None and title is not None:
                    blueprints = [BlueprintSpec(SINGLE_BLUEPRINT_ID, title, *fields)]
        if not keys_ok or pack_id is None or title is None or blueprints is None:
            return None
        return PackSpec(
            pack_id, title, tuple(blueprints), source=Path(self.file).name, single_form=single
        )

    def blueprints(self, m: Map) -> list[BlueprintSpec] | None:
        seq = m["blueprints"]
        if not isinstance(seq, Seq) or not seq:
            self.report(m.key_pos["blueprints"], "`blueprints` must be a non-empty list")
            return None
        if len(seq) > MAX_BLUEPRINTS:
            self.report(
                m.key_pos["blueprints"],
                f"a pack has at most {MAX_BLUEPRINTS} blueprints; this one has {len(seq)}",
            )
            return None
        result: list[BlueprintSpec] = []
        ids: set[str] = set()
        ok = True
        for item, pos in zip(seq, seq.item_pos, strict=True):
            if not isinstance(item, Map):
                self.report(pos, "a blueprint must be a mapping of id, title, exam, domains")
                ok = False
                continue
            if not self.keys(item, BLUEPRINT_KEYS, "blueprint"):
                ok = False
            bid = self.ident(item, "id", BLUEPRINT_ID, "blueprint id")
            title = self.text(item, "title", TITLE_MAX)
            note = self.text(item, "note", NOTE_MAX) if "note" in item else ""
            fields = self.blueprint_fields(item)
            if bid is not None and bid in ids:
                self.report(item.key_pos["id"], f"duplicate blueprint id {bid!r}")
                ok = False
            if bid is None or title is None or note is None or fields is None:
                ok = False
                continue
            ids.add(bid)
            result.append(BlueprintSpec(bid, title, *fields, note=note))
        return result if ok else None

    def blueprint_fields(self, m: Map) -> tuple[int, int, int, tuple[DomainSpec, ...]] | None:
        """questions, minutes, pass_percent and domains of the blueprint (or old-form pack) m."""
        exam = m.get("exam")
        numbers: dict[str, int] = {}
        if "exam" not in m:
            pass  # reported as a missing key
        elif not isinstance(exam, Map):
            self.report(
                m.key_pos["exam"], "`exam` must be a mapping of questions, minutes, pass_percent"
            )
        else:
            self.keys(exam, EXAM_KEYS, "exam")
            for key, (low, high) in EXAM_BOUNDS.items():
                value = self.integer(exam, key, low=low, high=high)
                if value is not None:
                    numbers[key] = value
        domains = self.domains(m)
        if len(numbers) < 3 or domains is None:
            return None
        return numbers["questions"], numbers["minutes"], numbers["pass_percent"], tuple(domains)

    def domains(self, m: Map) -> list[DomainSpec] | None:
        if "domains" not in m:
            return None  # reported as a missing key
        seq = m["domains"]
        if not isinstance(seq, Seq) or not seq:
            self.report(m.key_pos["domains"], "`domains` must be a non-empty list")
            return None
        result: list[DomainSpec] = []
        ids: set[str] = set()
        ok = True
        weights: list[int | None] = []
        for item, pos in zip(seq, seq.item_pos, strict=True):
            if not isinstance(item, Map):
                self.report(pos, "a domain must be a mapping of id, weight, title")
                ok = False
                weights.append(None)
                continue
            if not self.keys(item, DOMAIN_KEYS, "domain"):
                ok = False
            did = self.ident(item, "id", DOMAIN_ID, "domain id")
            weight = self.integer(item, "weight", low=1, high=100)
            weights.append(weight)
            title = self.text(item, "title", TITLE_MAX)
            short = self.text(item, "short", SHORT_MAX) if "short" in item else ""
            if did is not None and did in ids:
                self.report(item.key_pos["id"], f"duplicate domain id {did!r}")
                ok = False
            if did is None or weight is None or title is None or short is None:
                ok = False
                continue
            ids.add(did)
            result.append(DomainSpec(did, title, weight, short or None))
        # The sum is checked whenever every weight could be read, whatever else is wrong.
        total = sum(w for w in weights if w is not None)
        if None not in weights and total != 100:
            self.report(m.key_pos["domains"], f"domain weights add up to {total}, not 100")
            ok = False
        return result if ok else None

    def check_items_file(self, doc: Map) -> None:
        allowed = {"pack", "concepts", "questions"}
        for key in doc:
            if key not in allowed:
                self.report(
                    doc.key_pos[key],
                    f"unknown top-level key {key!r} (allowed: pack, concepts, questions)",
                )
        if "pack" not in doc:
            self.report(doc.pos, "missing key 'pack': name the pack this file belongs to")
            return
        pack = doc["pack"]
        if not isinstance(pack, str) or not PACK_ID.fullmatch(pack):
            self.report(doc.key_pos["pack"], f"pack id {pack!r} must match [a-z0-9-]{{2,40}}")
            # Still check the items, under a name no pack can have, so nothing is imported.
            pack = f"?{pack}"
        else:
            self.pack_refs.append((pack, self.file, doc.key_pos["pack"]))
        kinds = {k for k in ("concepts", "questions") if k in doc}
        if not kinds:
            self.report(doc.pos, "the file holds neither `concepts:` nor `questions:`")
            return
        source = Path(self.file).name
        self.content.files.setdefault((pack, source), set()).update(kinds)
        for kind in sorted(kinds):
            seq = doc[kind]
            if seq is None:
                seq = Seq()
                seq.pos, seq.item_pos = doc.key_pos[kind], []
            if not isinstance(seq, Seq):
                self.report(doc.key_pos[kind], f"`{kind}` must be a list")
                continue
            for item, pos in zip(seq, seq.item_pos, strict=True):
                if not isinstance(item, Map):
                    self.report(pos, f"each item of `{kind}` must be a mapping")
                elif kind == "concepts":
                    self.concept(pack, item, source)
                else:
                    self.question(pack, item, source)

    # -- items -------------------------------------------------------------------
    def concept(self, pack: str, m: Map, source: str) -> None:
        keys_ok = self.keys(m, CONCEPT_KEYS, "concept")
        cid = self.ident(m, "id", CONCEPT_ID, "concept id")
        if cid is not None and not self.first_definition(
            self.seen_concepts, pack, cid, m, "concept"
        ):
            cid = None
        if cid is not None:
            # Defined, even if invalid: references to it are not reported as well.
            self.defined_concepts.setdefault(pack, set()).add(cid)
        fields = {
            "name": self.text(m, "name", NAME_MAX),
            "title": self.text(m, "title", TITLE_MAX),
            "category": self.text(m, "category", NAME_MAX),
            "summary": self.text(m, "summary", SUMMARY_MAX),
            "explanation": self.text(m, "explanation", CONCEPT_EXPLANATION_MAX),
        }
        aliases = self.str_list(m, "aliases", NAME_MAX, required=False)
        related = self.str_list(m, "related", 60, required=False)
        self.refer(pack, m, "related")
        if (
            not keys_ok
            or cid is None
            or aliases is None
            or related is None
            or None in fields.values()
        ):
            return
        self.content.concepts.append(
            ConceptSpec(
                pack=pack,
                id=cid,
                aliases=tuple(aliases),
                related=tuple(related),
                source=source,
                **{k: str(v) for k, v in fields.items()},
            )
        )

    def question(self, pack: str, m: Map, source: str) -> None:
        keys_ok = self.keys(m, QUESTION_KEYS, "question")
        qid = self.ident(m, "id", QUESTION_ID, "question id")
        if qid is not None and not self.first_definition(
            self.seen_questions, pack, qid, m, "question"
        ):
            qid = None
        classification = self.classification(m)
        concepts = self.str_list(m, "concepts", 60, required=True)
        self.refer(pack, m, "concepts")
        difficulty = self.integer(m, "difficulty", low=1, high=3)
        scenario = self.text(m, "scenario", SCENARIO_MAX)
        explanation = self.text(m, "explanation", QUESTION_EXPLANATION_MAX)
        options = self.options(m)
        select: int | None = None
        if options is not None:
            marked = sum(o.correct for o in options)
            select = marked
            if "select" in m:
                declared = self.integer(m, "select", low=1)
                if declared is not None and declared != marked:
                    self.report(
                        m.key_pos["select"],
                        f"`select` is {declared} but {marked} option(s) are marked correct",
                    )
                    select = None
        fields = (qid, classification, concepts, difficulty, scenario, explanation, options, select)
        if not keys_ok or None in fields:
            if classification is not None:  # still check its domains, for the report
                self.classifications.append((None, pack, classification, self.file, m.pos))
            return
        assert options is not None and concepts is not None and select is not None
        assert classification is not None
        index = len(self.content.questions)
        self.classifications.append((index, pack, classification, self.file, m.pos))
        self.content.questions.append(
            QuestionSpec(
                pack=pack,
                id=str(qid),
                domain="",  # set once the pack's blueprints are known
                concepts=tuple(concepts),
                difficulty=int(difficulty or 0),
                scenario=str(scenario),
                options=tuple(options),
                select=select,
                explanation=str(explanation),
                source=source,
            )
        )

    def classification(self, m: Map) -> Classification | None:
        """The question's `domain: X` or `domains: {blueprint: X, ...}`, as written."""
        if "domain" in m and "domains" in m:
            self.report(m.key_pos["domains"], "give either `domain` or `domains`, not both")
            return None
        if "domain" in m:
            domain = self.text(m, "domain", 40)
            if domain is None:
                return None
            return Classification(m.key_pos["domain"], {"": (domain, m.key_pos["domain"])}, True)
        if "domains" not in m:
            label = f" {m['id']!r}" if isinstance(m.get("id"), str) else ""
            self.report(
                m.pos,
                f"question{label} is missing required key 'domains' (e.g. "
                "`domains: {blueprint-id: domain-id}`; `domain: X` in a single-blueprint pack)",
            )
            return None
        mapping = m["domains"]
        if not isinstance(mapping, Map) or not mapping:
            self.report(
                m.key_pos["domains"],
                "`domains` must map each blueprint id of the pack to a domain id",
            )
            return None
        values: dict[str, tuple[str, Pos]] = {}
        for key, value in mapping.items():
            if not isinstance(value, str) or not value.strip():
                self.report(mapping.key_pos[key], f"`domains.{key}` must be a domain id")
                return None
            values[str(key)] = (value.strip(), mapping.key_pos[key])
        return Classification(m.key_pos["domains"], values, False)

    def options(self, m: Map) -> list[OptionSpec] | None:
        if "options" not in m:
            return None  # reported as a missing key
        seq = m["options"]
        if not isinstance(seq, Seq):
            self.report(m.key_pos["options"], "`options` must be a list")
            return None
        if not MIN_OPTIONS <= len(seq) <= MAX_OPTIONS:
            self.report(
                m.key_pos["options"],
                f"a question needs {MIN_OPTIONS} to {MAX_OPTIONS} options; this one has {len(seq)}",
            )
            return None
        result: list[OptionSpec] = []
        seen: dict[str, int] = {}
        ok = True
        any_correct = False
        for index, (item, pos) in enumerate(zip(seq, seq.item_pos, strict=True)):
            if not isinstance(item, Map):
                self.report(
                    pos, "an option must be a mapping of text, why and (optionally) correct"
                )
                ok = False
                continue
            if not self.keys(item, OPTION_KEYS, "option"):
                ok = False
            text = self.text(item, "text", OPTION_TEXT_MAX)
            why = self.text(item, "why", WHY_MAX)
            correct = item.get("correct", False)
            if not isinstance(correct, bool):
                self.report(item.key_pos["correct"], "`correct` must be true or false")
                ok = False
            if correct is True:
                any_correct = True
            if text is None or why is None:
                ok = False
                continue
            norm = " ".join(text.lower().split())
            if norm in seen:
                self.report(pos, f"option {index + 1} repeats option {seen[norm] + 1}")
                ok = False
            seen[norm] = index
            result.append(OptionSpec(text=text, why=why, correct=correct is True))
        if not any_correct:
            self.report(m.key_pos["options"], "no option is marked `correct: true`")
            ok = False
        return result if ok else None

    # -- field helpers -----------------------------------------------------------
    def keys(self, m: Map, spec: tuple[set[str], set[str]], what: str) -> bool:
        required, optional = spec
        ok = True
        for key in m:
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                hint = ""
                if m.flow and m[key] is None:
                    hint = "; a comma inside `{...}` ends a value: put text with commas in quotes"
                self.report(
                    m.key_pos[key], f"unknown key {key!r} in {what} (allowed: {allowed}){hint}"
                )
                ok = False
        for key in sorted(required - set(m)):
            label = f" {m['id']!r}" if isinstance(m.get("id"), str) else ""
            self.report(m.pos, f"{what}{label} is missing required key {key!r}")
            ok = False
        return ok

    def text(self, m: Map, key: str, limit: int) -> str | None:
        if key not in m:
            return None  # reported as a missing key
        value = m[key]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.report(m.key_pos[key], f"`{key}` must be text")
            return None
        value = str(value).strip()
        if not value:
            self.report(m.key_pos[key], f"`{key}` is empty")
            return None
        if len(value) > limit:
            self.report(m.key_pos[key], f"`{key}` is {len(value)} characters; the limit is {limit}")
            return None
        return value

    def integer(self, m: Map, key: str, low: int, high: int | None = None) -> int | None:
        if key not in m:
            return None  # reported as a missing key
        value = m[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(m.key_pos[key], f"`{key}` must be a whole number")
            return None
        if value < low or (high is not None and value > high):
            bounds = f"{low} to {high}" if high is not None else f"at least {low}"
            self.report(m.key_pos[key], f"`{key}` is {value}; it must be {bounds}")
            return None
        return value

    def ident(self, m: Map, key: str, pattern: re.Pattern[str], what: str) -> str | None:
        if key not in m:
            return None  # reported as a missing key
        value = m[key]
        if not isinstance(value, str) or not pattern.fullmatch(value):
            self.report(m.key_pos[key], f"{what} {value!r} must match {pattern.pattern}")
            return None
        return value

    def str_list(self, m: Map, key: str, limit: int, required: bool) -> list[str] | None:
        if key not in m:
            return [] if not required else None
        seq = m[key]
        if not isinstance(seq, Seq) or (required and not seq):
            need = "a non-empty list" if required else "a list"
            self.report(m.key_pos[key], f"`{key}` must be {need}")
            return None
        values: list[str] = []
        ok = True
        for item, pos in zip(seq, seq.item_pos, strict=True):
            if not isinstance(item, str) or not item.strip() or len(item) > limit:
                self.report(pos, f"each item of `{key}` must be text of 1 to {limit} characters")
                ok = False
                continue
            values.append(item.strip())
        return values if ok else None

    def refer(self, pack: str, m: Map, key: str) -> None:
        """Note each well-formed concept id listed under `key`, to resolve after every file."""
        seq = m.get(key)
        if not isinstance(seq, Seq):
            return
        for value, pos in zip(seq, seq.item_pos, strict=True):
            if isinstance(value, str) and value.strip():
                self.references.append((pack, "concept", value.strip(), self.file, pos))

    def first_definition(
        self,
        seen: dict[tuple[str, str], tuple[str, Pos]],
        pack: str,
        item_id: str,
        m: Map,
        what: str,
    ) -> bool:
        first = seen.get((pack, item_id))
        if first is not None:
            where = f"{first[0]}:{first[1].line}"
            self.report(
                m.key_pos["id"], f"duplicate {what} id {item_id!r} (first defined at {where})"
            )
            return False
        seen[(pack, item_id)] = (self.file, m.key_pos["id"])
        return True

    # -- across files ------------------------------------------------------------
    def check_cross_references(self) -> None:
        defined_packs = self.named_packs | set(self.known)
        for pack, file, pos in self.pack_refs:
            if pack not in defined_packs:
                self.report(
                    pos,
                    f"pack {pack!r} is not defined here nor loaded yet: include its pack.yaml",
                    file,
                )
        concepts = self.resolvable_concepts()
        for pack, _kind, ref, file, pos in self.references:
            if pack in defined_packs and ref not in concepts.get(pack, set()):
                self.report(pos, f"concept {ref!r} is not defined in pack {pack!r}", file)
        for index, pack, classification, file, _pos in self.classifications:
            if pack not in defined_packs:
                continue
            resolved = self.resolve(pack, classification, file)
            if resolved is not None and index is not None:
                self.content.questions[index] = replace(
                    self.content.questions[index], domain=resolved[0][1], domains=resolved
                )
        self.check_orphaned_questions(concepts)

    def pack_blueprints(self, pack: str) -> list[tuple[str, set[str]]]:
        """The blueprints a question of `pack` is checked against: this import's, else the
        database's."""
        if pack in self.blueprint_ids:
            return self.blueprint_ids[pack]
        known = self.known.get(pack)
        return [(b, set(d)) for b, d in known.blueprints.items()] if known else []

    def resolve(
        self, pack: str, c: Classification, file: str
    ) -> tuple[tuple[str, str], ...] | None:
        """(blueprint, domain) for every blueprint of the pack, or None after reporting."""
        blueprints = self.pack_blueprints(pack)
        if not blueprints:
            if pack in self.known and pack not in self.whole_packs:
                self.report(c.pos, f"pack {pack!r} has no exam blueprint loaded", file)
            return None  # otherwise the pack itself failed, and that is reported already
        names = ", ".join(b for b, _ in blueprints)
        if c.single:
            domain, pos = c.values[""]
            if len(blueprints) > 1:
                example = ", ".join(f"{b}: …" for b, _ in blueprints)
                self.report(
                    pos,
                    f"pack {pack!r} has blueprints {names}: classify the question in each "
                    f"with `domains: {{{example}}}` instead of `domain:`",
                    file,
                )
                return None
            values = {blueprints[0][0]: (domain, pos)}
        else:
            values = c.values
        ok = True
        by_id = dict(blueprints)
        for bid, (domain, pos) in values.items():
            if bid not in by_id:
                self.report(pos, f"{bid!r} is not a blueprint of pack {pack!r} ({names})", file)
                ok = False
            elif domain not in by_id[bid]:
                listed = ", ".join(sorted(by_id[bid]))
                where = (
                    f"pack {pack!r}"
                    if len(blueprints) == 1 and c.single
                    else (f"blueprint {bid!r} of pack {pack!r}")
                )
                self.report(pos, f"domain {domain!r} is not a domain of {where} ({listed})", file)
                ok = False
        missing = [b for b, _ in blueprints if b not in values]
        if missing:
            self.report(
                c.pos,
                f"`domains` must name every blueprint of pack {pack!r}; missing "
                + ", ".join(missing),
                file,
            )
            ok = False
        if not ok:
            return None
        return tuple((b, values[b][0]) for b, _ in blueprints)

    def resolvable_concepts(self) -> dict[str, set[str]]:
        """Concept ids each pack will hold after this import."""
        result: dict[str, set[str]] = {p: set(ids) for p, ids in self.defined_concepts.items()}
        for pack, known in self.known.items():
            if pack in self.whole_packs:
                continue  # a whole pack replaces everything the database had
            keep = set(known.concepts)
            for (file_pack, source), kinds in self.content.files.items():
                if file_pack == pack and "concepts" in kinds:
                    keep -= known.concepts_by_source.get(source, frozenset())
            result.setdefault(pack, set()).update(keep)
        return result

    def check_orphaned_questions(self, concepts: dict[str, set[str]]) -> None:
        """A lone file must not retire a concept that questions left in the database still use."""
        replaced = {(q.pack, q.id) for q in self.content.questions}
        for pack, known in self.known.items():
            if pack in self.whole_packs:
                continue
            retired_sources = {
                source
                for (p, source), kinds in self.content.files.items()
                if p == pack and "questions" in kinds
            }
            for qid, used in known.question_concepts.items():
                if (pack, qid) in replaced or any(
                    qid in known.questions_by_source.get(s, frozenset()) for s in retired_sources
                ):
                    continue
                for concept in used:
                    if concept not in concepts.get(pack, set()):
                        self.report(
                            Pos(1, 1),
                            f"concept {concept!r} would be removed but question {qid!r} uses it",
                            self.pack_file_for(pack),
                        )

    def pack_file_for(self, pack: str) -> str:
        for ref_pack, file, _pos in self.pack_refs:
            if ref_pack == pack:
                return file
        return self.file
