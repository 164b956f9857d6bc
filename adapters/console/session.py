"""A terminal study session: commands and lettered answers, read line by line.

Works with a pipe as well as a terminal, so sessions can be scripted.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
import tempfile
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from adapters.console import exam, render
from bot import settings_view, tracks
from bot.answers_text import read_answer
from bot.chart import chart_png
from bot.confidence import HINT, Confidence
from bot.daily.pull import PulledDaily
from bot.errors import TutorError
from bot.exams.service import Exams
from bot.open_question import OPEN_NOTICE, OpenQuestions
from bot.ports import Streak
from bot.progress import MissView, Progress, SessionTally, chart_numbers
from bot.progress_text import miss_text, misses_text, report_text, summary_text
from bot.schedule_setting import split_daily
from bot.tutor import Tutor
from bot.views import UserRef

HELP = """Commands:
  /quiz [TOPIC]  a practice question (of one domain or service: /quiz security)
  /skip          skip the open question (kept as skipped) for a new one
  /settings      your daily question time and zone, reviews a day and track
  /track [NAME]  what you study: the loaded packs and exam blueprints, e.g. /track saa
  /reviews [N]   at most N spaced-repetition reviews a day (default 30)
  /explain NAME  the concept card for a service, e.g. /explain S3
  /stats         your progress: domains against the pass mark, readiness, and a chart
  /misses        your last 10 wrong answers; then /retry N or /why N
  /unsure        after a right answer: you were not sure (its concepts come back
                 sooner); /sure: you were
  /exam          a timed exam simulation (/exam short: 10 questions; /exam stop; /exam history)
  /daily HH:MM   a daily question at that time, e.g. /daily 08:30 Berlin (a city or
                 a zone such as Europe/Berlin); /daily off stops it, /daily today asks
                 today's if it is due
  /help          this help
  /quit          leave (end of input works too)
Answer an open question with its letter, e.g. B, or letters for a multi-answer question, e.g. AC."""


class ConsoleSession:
    def __init__(
        self,
        tutor: Tutor,
        user: UserRef,
        out: TextIO = sys.stdout,
        progress: Progress | None = None,
        chart_dir: Path | None = None,
        exams: Exams | None = None,
        daily: PulledDaily | None = None,
        opened: OpenQuestions | None = None,
        confidence: Confidence | None = None,
    ) -> None:
        self.tutor = tutor
        self.confidence = confidence
        self.last_answer: int | None = None  # the ask of the latest answer here, for /unsure
        self.exams = exams
        # Typed letters answer the running exam unless a practice question came after it.
        self.practising = False
        self.user = user
        self.out = out
        self.progress = progress
        self.chart_dir = chart_dir or Path(tempfile.gettempdir())
        self.tally = SessionTally()
        self.domains: dict[int, str] = {}  # ask id -> domain of the questions asked here
        self.misses: list[MissView] = []  # the last /misses list, for /retry N and /why N
        self.daily = daily
        self.opened = opened

    def say(self, text: str) -> None:
        self.out.write(text.rstrip() + "\n\n")
        self.out.flush()

    async def run(self, lines: TextIO = sys.stdin) -> int:
        interactive = lines.isatty()
        self.say("SAA Tutor — practice for the AWS Solutions Architect – Associate exam.\n" + HELP)
        await self.daily_question(quiet=True)
        while True:
            if interactive:
                self.out.write("> ")
                self.out.flush()
            line = await asyncio.to_thread(lines.readline)
            if not line:
                await self.summary()
                return 0
            if not await self.handle(line.strip()):
                return 0

    async def handle(self, line: str) -> bool:
        """Act on one line; False means the session is over."""
        if not line:
            return True
        command, _, arg = line.partition(" ")
        command = command.lower().split("@")[0]
        try:
            if command in ("/quit", "/exit"):
                await self.summary()
                self.say("Goodbye — see you at the next question.")
                return False
            if command in ("/help", "/start"):
                self.say(HELP)
            elif command == "/quiz":
                # A plain /quiz with a question open says so; /quiz TOPIC is a deliberate
                # request for that topic and is answered.
                if not arg.strip() and self.opened and await self.opened.open_ask(self.user):
                    self.say(f"{OPEN_NOTICE}\nSend /skip to skip it (it is kept as skipped).")
                else:
                    self.practising = True
                    topic = arg.strip() or None
                    view = await self.tutor.next_question(self.user, topic=topic)
                    self.domains[view.ask_id] = view.domain
                    self.say(render.question(view))
            elif command == "/skip" and self.opened is not None:
                self.practising = True
                view = await self.opened.skip_and_ask(self.user)
                self.domains[view.ask_id] = view.domain
                self.say(render.question(view))
            elif command == "/track":
                if arg.strip():
                    self.say((await tracks.choose(self.tutor, self.user, arg)).text())
                else:
                    self.say((await tracks.show(self.tutor, self.user)).text())
            elif command == "/settings":
                current = await settings_view.load(self.tutor, self.user)
                self.say(settings_view.text(current, settings_view.COMMANDS))
            elif command == "/reviews":
                self.say(await tracks.set_review_cap(self.tutor, self.user, arg))
            elif command == "/explain":
                if not arg.strip():
                    self.say("Which concept? For example: /explain S3")
                else:
                    self.say(render.concept(await self.tutor.explain(arg.strip())))
            elif command == "/stats" and self.progress is not None:
                await self.stats(self.progress)
            elif command == "/daily":
                await self.daily_command(arg.split())
            elif command == "/stats":
                self.say(render.stats(await self.tutor.stats(self.user)))
            elif command == "/misses" and self.progress is not None:
                self.misses = await self.progress.misses(self.user)
                numbered = misses_text(self.misses)
                self.say(numbered + ("\nSend /retry N or /why N." if self.misses else ""))
            elif command in ("/retry", "/why") and self.progress is not None:
                await self.miss(self.progress, command, arg.strip())
            elif command in ("/sure", "/unsure") and self.confidence is not None:
                sure = command == "/sure"
                marked = await self.confidence.mark(self.user, self.last_answer, sure)
                self.say(marked.text())
            elif command == "/exam" and self.exams is not None:
                self.practising = False
                self.say(await exam.command(self.exams, self.user, arg))
            elif command.startswith("/"):
                self.say(f"Unknown command {command}. Type /help to see what I understand.")
            elif (letters := read_answer(line)) is not None:
                answer = "".join(letters)
                exams = self.exams
                if not self.practising and exams and await exams.in_progress(self.user):
                    self.say(exam.step(await exams.answer(self.user, None, answer)))
                    return True
                feedback = await self.tutor.answer_open(self.user, answer)
                self.tally.add(self.domains.get(feedback.ask_id, "other"), feedback.correct)
                self.last_answer = feedback.ask_id
                hint = f"\n\n{HINT}" if feedback.correct and self.confidence else ""
                self.say(render.feedback(feedback) + hint)
            else:
                self.say(
                    "That does not look like an answer. Reply with the letter of an option, "
                    "e.g. B (or AC when a question asks for two), send /quiz for a question, "
                    "or /help."
                )
        except TutorError as error:
            self.say(error.message)
        return True

    async def stats(self, progress: Progress) -> None:
        report = await progress.report(self.user)
        text = report_text(report)
        if report.answered:
            path = self.chart_dir / f"saa-tutor-stats-{self.user.external_id}.png"
            path.write_bytes(await chart_png(chart_numbers(report)))
            text += f"\n\nChart: {path}"
        self.say(text)

    async def miss(self, progress: Progress, command: str, arg: str) -> None:
        if not self.misses:
            self.say("Send /misses first to list your wrong answers.")
            return
        if not arg.isdigit() or not 1 <= int(arg) <= len(self.misses):
            self.say(f"Which one? Give a number from 1 to {len(self.misses)}, e.g. {command} 1")
            return
        chosen = self.misses[int(arg) - 1]
        if command == "/why":
            self.say(miss_text(await progress.miss(self.user, chosen.question_key)))
            return
        view = await progress.retry(self.user, chosen.question_key)
        self.domains[view.ask_id] = view.domain
        self.say(render.question(view))

    async def summary(self) -> None:
        """What this sitting came to, printed as the session ends."""
        if not self.tally.answered:
            return
        user = await self.tutor.user(self.user)
        today = self.tutor.clock().astimezone(ZoneInfo(user.timezone)).date()
        streak = Streak(user.streak, user.best_streak, user.streak_date).shown_on(today)
        self.say(summary_text(self.tally, streak))

    async def daily_command(self, args: list[str]) -> None:
        if not args:
            setting = await self.tutor.daily_setting(self.user)
            state = f"at {setting.time} ({setting.timezone})" if setting.enabled else "off"
            self.say(
                f"Your daily question: {state}. Set it with /daily HH:MM CITY, e.g. "
                "/daily 08:30 Berlin; /daily off stops it; /daily today asks today's."
            )
        elif args[0].lower() == "off":
            await self.tutor.daily_off(self.user)
            self.say("No daily question any more. /daily 08:30 (any time) turns it back on.")
        elif args[0].lower() == "today":
            await self.daily_question(quiet=False)
        else:  # "08:30", "08:30 New York", "Berlin" (the zone only: the time stays)
            time, place = split_daily(args)
            if time is None:
                time = (await self.tutor.daily_setting(self.user)).time
            setting = await self.tutor.set_daily(self.user, time, place)
            self.say(
                f"Your daily question comes at {setting.time} ({setting.timezone}): it is "
                "shown when you start a session after that time, or on /daily today. "
                "Answer it each day to keep your streak."
            )

    async def daily_question(self, quiet: bool) -> None:
        """Today's daily question, if due and not yet answered (quiet: say nothing else)."""
        view = await self.daily.due(self.user) if self.daily is not None else None
        if view is not None:
            self.domains[view.ask_id] = view.domain
            self.say("Today's daily question:\n\n" + render.question(view))
        elif not quiet:
            self.say(
                "No daily question is waiting: today's is answered, or not due yet "
                "(/daily shows your time)."
            )


def console_user() -> UserRef:
    try:
        name = getpass.getuser()
    except Exception:  # no login name in some containers
        name = "student"
    return UserRef("console", name, name)
