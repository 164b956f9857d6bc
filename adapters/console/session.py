"""A terminal study session: commands and lettered answers, read line by line.

Works with a pipe as well as a terminal, so sessions can be scripted.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO

from adapters.console import render
from bot.answers_text import read_answer
from bot.daily.pull import PulledDaily
from bot.errors import TutorError
from bot.tutor import Tutor
from bot.views import UserRef

HELP = """Commands:
  /quiz          a practice question
  /explain NAME  the concept card for a service, e.g. /explain S3
  /stats         what you have answered, overall and per exam domain
  /daily HH:MM   a daily question at that time (e.g. /daily 08:30 Europe/Berlin);
                 /daily off stops it, /daily today asks today's if it is due
  /help          this help
  /quit          leave (end of input works too)
Answer an open question with its letter, e.g. B, or letters for a multi-answer question, e.g. AC."""


class ConsoleSession:
    def __init__(
        self,
        tutor: Tutor,
        user: UserRef,
        out: TextIO = sys.stdout,
        daily: PulledDaily | None = None,
    ) -> None:
        self.tutor = tutor
        self.user = user
        self.out = out
        self.daily = daily

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
                self.say("Goodbye — see you at the next question.")
                return False
            if command in ("/help", "/start"):
                self.say(HELP)
            elif command == "/quiz":
                self.say(render.question(await self.tutor.next_question(self.user)))
            elif command == "/explain":
                if not arg.strip():
                    self.say("Which concept? For example: /explain S3")
                else:
                    self.say(render.concept(await self.tutor.explain(arg.strip())))
            elif command == "/daily":
                await self.daily_command(arg.split())
            elif command == "/stats":
                self.say(render.stats(await self.tutor.stats(self.user)))
            elif command.startswith("/"):
                self.say(f"Unknown command {command}. Type /help to see what I understand.")
            elif (letters := read_answer(line)) is not None:
                answer = "".join(letters)
                self.say(render.feedback(await self.tutor.answer_open(self.user, answer)))
            else:
                self.say(
                    "That does not look like an answer. Reply with the letter of an option, "
                    "e.g. B (or AC when a question asks for two), send /quiz for a question, "
                    "or /help."
                )
        except TutorError as error:
            self.say(error.message)
        return True

    async def daily_command(self, args: list[str]) -> None:
        if not args:
            setting = await self.tutor.daily_setting(self.user)
            state = f"at {setting.time} ({setting.timezone})" if setting.enabled else "off"
            self.say(
                f"Your daily question: {state}. Set it with /daily HH:MM [zone], e.g. "
                "/daily 08:30 Europe/Berlin; /daily off stops it; /daily today asks today's."
            )
        elif args[0].lower() == "off":
            await self.tutor.daily_off(self.user)
            self.say("No daily question any more. /daily HH:MM turns it back on.")
        elif args[0].lower() == "today":
            await self.daily_question(quiet=False)
        else:
            setting = await self.tutor.set_daily(
                self.user, args[0], args[1] if len(args) > 1 else None
            )
            self.say(
                f"Your daily question comes at {setting.time} ({setting.timezone}): it is "
                "shown when you start a session after that time, or on /daily today. "
                "Answer it each day to keep your streak."
            )

    async def daily_question(self, quiet: bool) -> None:
        """Today's daily question, if due and not yet answered (quiet: say nothing else)."""
        view = await self.daily.due(self.user) if self.daily is not None else None
        if view is not None:
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
