"""What the exam service returns; each adapter renders these for its platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.views import OptionFeedback, QuestionView


def clock_text(seconds: int) -> str:
    """Remaining time as the student reads it: 1:05:09, 12:04, 0:42."""
    seconds = max(0, seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class ExamQuestion:
    exam_id: int
    title: str  # the blueprint's title, e.g. "AWS SAA-C03 (short)"
    number: int  # 1-based
    total: int
    seconds_left: int
    question: QuestionView

    @property
    def header(self) -> str:
        left = clock_text(self.seconds_left)
        return f"📝 {self.title} · Question {self.number}/{self.total} · ⏱ {left} left"


@dataclass(frozen=True)
class ExamDomainResult:
    title: str
    total: int
    correct: int

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


@dataclass(frozen=True)
class ExamMiss:
    number: int  # the question's place in the exam, 1-based
    domain: str
    scenario: str
    options: tuple[OptionFeedback, ...]
    chosen: tuple[str, ...]  # empty: not answered
    right: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class ExamSummary:
    exam_id: int
    title: str
    status: str  # finished | expired | stopped | running
    started_at: datetime
    correct: int
    total: int
    pass_percent: int

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0

    @property
    def passed(self) -> bool:
        return self.status in ("finished", "expired") and self.percent >= self.pass_percent


@dataclass(frozen=True)
class ExamResult:
    summary: ExamSummary
    answered: int
    domains: tuple[ExamDomainResult, ...]
    misses: tuple[ExamMiss, ...]
    note: str = ""  # the blueprint's note on the pass mark (the real exam is scaled)
    late: bool = False  # shown because an answer came after the time ran out

    @property
    def timed_out(self) -> bool:
        return self.summary.status == "expired"

    def text(self) -> str:
        """The result as plain text (every platform shows this; misses are paged apart)."""
        s = self.summary
        lines = []
        if self.late:
            lines.append("⏰ Time was up before that answer, so it was not counted.")
        verdict = "PASS ✅" if s.passed else "FAIL ❌"
        lines.append(f"🏁 {s.title}: {s.correct}/{s.total} ({s.percent}%) — {verdict}")
        lines.append(f"Pass mark: {s.pass_percent}%.")
        if self.timed_out:
            unanswered = s.total - self.answered
            lines.append(f"Time ran out: {unanswered} unanswered question(s) count as wrong.")
        lines.append("")
        lines.append("Per domain:")
        for d in self.domains:
            mark = "✅" if d.percent >= s.pass_percent else "⚠️"
            lines.append(f"{mark} {d.title}: {d.correct}/{d.total} ({d.percent}%)")
        if self.note:
            lines += ["", self.note]
        lines.append("")
        lines.append(
            f"{len(self.misses)} question(s) missed." if self.misses else "No question missed!"
        )
        return "\n".join(lines)


def miss_text(miss: ExamMiss, index: int, count: int) -> str:
    """One missed question with its explanation, as plain text."""
    head = f"Miss {index + 1}/{count} · question {miss.number} · {miss.domain}"
    lines = [head, "", miss.scenario, ""]
    for o in miss.options:
        mark = "✓" if o.correct else "✗"
        you = " (your pick)" if o.chosen else ""
        lines.append(f"{o.letter} {mark}{you}: {o.text}\n   {o.why}")
    chosen = "".join(miss.chosen) or "nothing (time ran out or stopped)"
    lines += ["", f"The answer is {''.join(miss.right)}; you chose {chosen}.", "", miss.explanation]
    return "\n".join(lines)


def history_text(exams: list[ExamSummary]) -> str:
    if not exams:
        return "No exams yet. Send /exam for the full exam or /exam short for 10 questions."
    lines = ["Your exams (newest first):"]
    for e in exams:
        when = e.started_at.strftime("%Y-%m-%d %H:%M")
        if e.status == "stopped":
            lines.append(f"{when} · {e.title}: stopped after {e.correct} right of {e.total}")
        else:
            verdict = "pass" if e.passed else "fail"
            lines.append(f"{when} · {e.title}: {e.correct}/{e.total} ({e.percent}%) — {verdict}")
    return "\n".join(lines)
