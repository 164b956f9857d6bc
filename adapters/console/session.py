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
from bot.errors import TutorError
from bot.open_question import OPEN_NOTICE, OpenQuestions
from bot.tutor import Tutor
from bot.views import UserRef

HELP = """Commands:
  /quiz          a practice question
  /skip          skip the open question (kept as skipped) for a new one
  /explain NAME  the concept card for a service, e.g. /explain S3
  /stats         what you have answered, overall and per exam domain
  /help          this help
  /quit          leave (end of input works too)
Answer an open question with its letter, e.g. B, or letters for a multi-answer question, e.g. AC."""


class ConsoleSession:
    def __init__(
        self,
        tutor: Tutor,
        user: UserRef,
        out: TextIO = sys.stdout,
        opened: OpenQuestions | None = None,
    ) -> None:
        self.tutor = tutor
        self.user = user
        self.out = out
        self.opened = opened

    def say(self, text: str) -> None:
        self.out.write(text.rstrip() + "\n\n")
        self.out.flush()

    async def run(self, lines: TextIO = sys.stdin) -> int:
        interactive = lines.isatty()
        self.say("SAA Tutor — practice for the AWS Solutions Architect – Associate exam.\n" + HELP)
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
                if self.opened is not None and await self.opened.open_ask(self.user):
                    self.say(f"{OPEN_NOTICE}\nSend /skip to skip it (it is kept as skipped).")
                else:
                    self.say(render.question(await self.tutor.next_question(self.user)))
            elif command == "/skip" and self.opened is not None:
                self.say(render.question(await self.opened.skip_and_ask(self.user)))
            elif command == "/explain":
                if not arg.strip():
                    self.say("Which concept? For example: /explain S3")
                else:
                    self.say(render.concept(await self.tutor.explain(arg.strip())))
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


def console_user() -> UserRef:
    try:
        name = getpass.getuser()
    except Exception:  # no login name in some containers
        name = "student"
    return UserRef("console", name, name)
