"""The /stats report, /misses and the session summary as plain text, shaped once for every
platform (Telegram captions, Discord messages and the terminal all show this)."""

from __future__ import annotations

from bot.progress import MissView, ProgressReport, SessionTally


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def report_text(r: ProgressReport) -> str:
    if not r.answered:
        return "No answers yet. Send /quiz to start."
    lines = [
        f"Your progress — {r.blueprint}" if r.blueprint else "Your progress",
        f"Answered {r.answered} · right {r.correct} ({_pct(r.accuracy)})",
        f"Seen {r.seen} of {r.total_questions} questions · "
        f"concepts mastered {r.concepts_mastered} of {r.concepts_total}",
    ]
    if r.readiness is not None:
        x = r.readiness
        lines.append(
            f"Readiness: about {x.predicted:.0f}% (range {x.low:.0f}–{x.high:.0f}%), "
            f"pass mark {x.pass_percent}% — {x.verdict}"
        )
    lines += ["", f"Per domain (pass mark {r.pass_percent}%):"]
    for d in r.domains:
        mark = "" if d.accuracy is None else (" ✓" if 100 * d.accuracy >= r.pass_percent else " ✗")
        lines.append(f"• {d.label}: {_pct(d.accuracy)} of {d.answered}{mark}")
    if r.weakest:
        weak = ", ".join(f"{c.name} {_pct(c.accuracy)}" for c in r.weakest)
        lines.append(f"Weakest concepts: {weak}")
    lines.append(f"Reviews due: {r.due_reviews}" + (" (send /quiz)" if r.due_reviews else ""))
    if r.streak or r.best_streak:
        lines.append(f"Daily streak: {r.streak} (best {r.best_streak})")
    if r.exams:
        last = "; ".join(
            f"{e.finished_at:%d %b} {e.score_percent}% {'pass' if e.passed else 'fail'}"
            for e in r.exams[:3]
        )
        lines.append(f"Exams: {last}")
    active = sum(1 for a in r.activity if a.answered)
    lines.append(f"Active on {active} of the last {len(r.activity)} days")
    lines += ["", *r.notes] if r.notes else []
    return "\n".join(lines)


def misses_text(misses: list[MissView]) -> str:
    if not misses:
        return "No wrong answers to go over. Send /quiz for a question."
    lines = [f"Your last {len(misses)} missed question(s) — retry one or read why:"]
    for n, m in enumerate(misses, 1):
        lines.append(f"{n}. [{m.domain}] {_snippet(m.scenario)}")
    return "\n".join(lines)


def miss_text(m: MissView) -> str:
    right = "\n".join(f"✓ {text}" for text in m.right)
    return f"[{m.domain}] {m.scenario}\n\n{right}\n\n{m.explanation}"


def summary_text(t: SessionTally, streak: int) -> str:
    if not t.answered:
        return "No answers this session."
    lines = [
        f"This session: {t.answered} answered, {t.right} right "
        f"({_pct(t.right / t.answered)}), best run {t.best_run} in a row",
    ]
    for domain, (n, c) in sorted(t.per_domain.items()):
        lines.append(f"• {domain}: {c} of {n}")
    lines.append(f"Daily streak: {streak}")
    return "\n".join(lines)


def _snippet(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
