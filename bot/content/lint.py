"""Validate question-bank YAML against the content format, reporting every problem at once.

Each problem is reported as `FILE:LINE:COLUMN: message`, pointing at the key or item at
fault. The rules are those of the content format (shared/content-format.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.model import (
    ConceptSpec,
    ContentSet,
    DomainSpec,
    KnownPack,
    OptionSpec,
    PackSpec,
    QuestionSpec,
)
from bot.content.yamlsafe import Map, Pos, Seq, YamlRefused, parse, read_text

PACK_ID = re.compile(r"[a-z0-9-]{2,40}")
CONCEPT_ID = re.compile(r"[a-z0-9-]{1,60}")
QUESTION_ID = re.compile(r"[a-z0-9-]{1,80}")
DOMAIN_ID = re.compile(r"[a-z0-9-]{1,40}")

SUMMARY_MAX = 280
CONCEPT_EXPLANATION_MAX = 1500
SCENARIO_MAX = 900
OPTION_TEXT_MAX = 200
WHY_MAX = 300
QUESTION_EXPLANATION_MAX = 800
TITLE_MAX = 300
NAME_MAX = 200
MIN_OPTIONS, MAX_OPTIONS = 2, 6

PACK_KEYS = ({"id", "title", "exam", "domains"}, set[str]())
EXAM_KEYS = ({"questions", "minutes", "pass_percent"}, set[str]())
# Upper bounds: an exam of a day at most, and numbers every database column can hold.
EXAM_LIMITS = {"questions": 1000, "minutes": 24 * 60, "pass_percent": 100}
# The file name is stored as each item's source.
FILE_NAME_MAX = 200
DOMAIN_KEYS = ({"id", "weight", "title"}, set[str]())
CONCEPT_KEYS = (
    {"id", "name", "title", "category", "summary", "explanation"},
    {"aliases", "related"},
)
QUESTION_KEYS = (
    {"id", "domain", "concepts", "difficulty", "scenario", "options", "explanation"},
    {"select"},
)
OPTION_KEYS = ({"text", "why"}, {"correct"})


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
        try:
            files.append((name, read_text(path), None))
        except YamlRefused as exc:
            files.append((name, None, Problem(name, exc.pos.line, exc.pos.column, exc.message)))
    return lint_texts(files, known)


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
        self.domain_ids: dict[str, set[str]] = {}
        self.file = ""
        # (pack, id) -> (file, pos) of the first definition, to report duplicates
        self.seen_concepts: dict[tuple[str, str], tuple[str, Pos]] = {}
        self.seen_questions: dict[tuple[str, str], tuple[str, Pos]] = {}
        # references to resolve once every file is read: (pack, kind, id, file, pos)
        self.references: list[tuple[str, str, str, str, Pos]] = []
        self.pack_refs: list[tuple[str, str, Pos]] = []

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
            doc = parse(text)
        except YamlRefused as exc:
            self.report(exc.pos, exc.message)
            return
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
        self.domain_ids[spec.id] = {d.id for d in spec.domains}

    def pack_spec(self, m: Map) -> PackSpec | None:
        if not self.keys(m, PACK_KEYS, "pack"):
            return None
        pack_id = self.ident(m, "id", PACK_ID, "pack id")
        title = self.text(m, "title", TITLE_MAX)
        exam = m["exam"]
        numbers: dict[str, int] = {}
        if not isinstance(exam, Map):
            self.report(
                m.key_pos["exam"], "`exam` must be a mapping of questions, minutes, pass_percent"
            )
        elif self.keys(exam, EXAM_KEYS, "exam"):
            for key in ("questions", "minutes", "pass_percent"):
                value = self.integer(exam, key, low=1, high=EXAM_LIMITS[key])
                if value is not None:
                    numbers[key] = value
        domains = self.domains(m)
        if pack_id is None or title is None or len(numbers) < 3 or domains is None:
            return None
        return PackSpec(
            pack_id,
            title,
            numbers["questions"],
            numbers["minutes"],
            numbers["pass_percent"],
            tuple(domains),
            source=Path(self.file).name,
        )

    def domains(self, m: Map) -> list[DomainSpec] | None:
        seq = m["domains"]
        if not isinstance(seq, Seq) or not seq:
            self.report(m.key_pos["domains"], "`domains` must be a non-empty list")
            return None
        result: list[DomainSpec] = []
        ids: set[str] = set()
        ok = True
        for item, pos in zip(seq, seq.item_pos, strict=True):
            if not isinstance(item, Map):
                self.report(pos, "a domain must be a mapping of id, weight, title")
                ok = False
                continue
            if not self.keys(item, DOMAIN_KEYS, "domain"):
                ok = False
                continue
            did = self.ident(item, "id", DOMAIN_ID, "domain id")
            weight = self.integer(item, "weight", low=1, high=100)
            title = self.text(item, "title", TITLE_MAX)
            if did is None or weight is None or title is None:
                ok = False
                continue
            if did in ids:
                self.report(item.key_pos["id"], f"duplicate domain id {did!r}")
                ok = False
            ids.add(did)
            result.append(DomainSpec(did, title, weight))
        total = sum(d.weight for d in result)
        if ok and total != 100:
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
            return
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
        if not self.keys(m, CONCEPT_KEYS, "concept"):
            return
        cid = self.ident(m, "id", CONCEPT_ID, "concept id")
        if cid is not None and not self.first_definition(
            self.seen_concepts, pack, cid, m, "concept"
        ):
            cid = None
        fields = {
            "name": self.text(m, "name", NAME_MAX),
            "title": self.text(m, "title", TITLE_MAX),
            "category": self.text(m, "category", NAME_MAX),
            "summary": self.text(m, "summary", SUMMARY_MAX),
            "explanation": self.text(m, "explanation", CONCEPT_EXPLANATION_MAX),
        }
        aliases = self.str_list(m, "aliases", NAME_MAX, required=False)
        related = self.str_list(m, "related", 60, required=False)
        if related:
            for value, pos in zip(related, m["related"].item_pos, strict=True):
                self.references.append((pack, "concept", value, self.file, pos))
        if cid is None or aliases is None or related is None or None in fields.values():
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
        if not self.keys(m, QUESTION_KEYS, "question"):
            return
        qid = self.ident(m, "id", QUESTION_ID, "question id")
        if qid is not None and not self.first_definition(
            self.seen_questions, pack, qid, m, "question"
        ):
            qid = None
        domain = self.text(m, "domain", 40)
        if domain is not None:
            self.references.append((pack, "domain", domain, self.file, m.key_pos["domain"]))
        concepts = self.str_list(m, "concepts", 60, required=True)
        if concepts:
            for value, pos in zip(concepts, m["concepts"].item_pos, strict=True):
                self.references.append((pack, "concept", value, self.file, pos))
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
        if None in (qid, domain, concepts, difficulty, scenario, explanation, options, select):
            return
        assert options is not None and concepts is not None and select is not None
        self.content.questions.append(
            QuestionSpec(
                pack=pack,
                id=str(qid),
                domain=str(domain),
                concepts=tuple(concepts),
                difficulty=int(difficulty or 0),
                scenario=str(scenario),
                options=tuple(options),
                select=select,
                explanation=str(explanation),
                source=source,
            )
        )

    def options(self, m: Map) -> list[OptionSpec] | None:
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
        for index, (item, pos) in enumerate(zip(seq, seq.item_pos, strict=True)):
            if not isinstance(item, Map):
                self.report(
                    pos, "an option must be a mapping of text, why and (optionally) correct"
                )
                ok = False
                continue
            if not self.keys(item, OPTION_KEYS, "option"):
                ok = False
                continue
            text = self.text(item, "text", OPTION_TEXT_MAX)
            why = self.text(item, "why", WHY_MAX)
            correct = item.get("correct", False)
            if not isinstance(correct, bool):
                self.report(item.key_pos["correct"], "`correct` must be true or false")
                ok = False
            if text is None or why is None:
                ok = False
                continue
            norm = " ".join(text.lower().split())
            if norm in seen:
                self.report(pos, f"option {index + 1} repeats option {seen[norm] + 1}")
                ok = False
            seen[norm] = index
            result.append(OptionSpec(text=text, why=why, correct=correct is True))
        if ok and not any(o.correct for o in result):
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
                self.report(m.key_pos[key], f"unknown key {key!r} in {what} (allowed: {allowed})")
                ok = False
        for key in sorted(required - set(m)):
            label = f" {m['id']!r}" if isinstance(m.get("id"), str) else ""
            self.report(m.pos, f"{what}{label} is missing required key {key!r}")
            ok = False
        return ok

    def text(self, m: Map, key: str, limit: int) -> str | None:
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
        for item, pos in zip(seq, seq.item_pos, strict=True):
            if not isinstance(item, str) or not item.strip() or len(item) > limit:
                self.report(pos, f"each item of `{key}` must be text of 1 to {limit} characters")
                return None
            values.append(item.strip())
        return values

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
        defined_packs = {p.id for p in self.content.packs} | set(self.known)
        for pack, file, pos in self.pack_refs:
            if pack not in defined_packs:
                self.report(
                    pos,
                    f"pack {pack!r} is not defined here nor loaded yet: include its pack.yaml",
                    file,
                )
        concepts = self.resolvable_concepts()
        for pack, kind, ref, file, pos in self.references:
            if pack not in defined_packs:
                continue
            if kind == "domain":
                domains = self.domain_ids.get(pack)
                if domains is None:
                    known = self.known.get(pack)
                    domains = set(known.domains) if known else set()
                if ref not in domains:
                    listed = ", ".join(sorted(domains))
                    self.report(
                        pos, f"domain {ref!r} is not a domain of pack {pack!r} ({listed})", file
                    )
            elif ref not in concepts.get(pack, set()):
                self.report(pos, f"concept {ref!r} is not defined in pack {pack!r}", file)
        self.check_orphaned_questions(concepts)

    def resolvable_concepts(self) -> dict[str, set[str]]:
        """Concept ids each pack will hold after this import."""
        result: dict[str, set[str]] = {}
        for concept in self.content.concepts:
            result.setdefault(concept.pack, set()).add(concept.id)
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
