"""`/exam` in a private chat: the timed exam on one message that becomes each question in
turn (one edit per answer), then the result with buttons that page through the misses.

Callback data (≤ 64 bytes; the state is in the database, the buttons carry ids only):

    ea:<ask>:<letters>   answer the exam's current question
    em:<exam>:<index>    show miss number <index> of a finished exam
"""

from __future__ import annotations

import logging
import re
from itertools import combinations

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from adapters.telegram import render
from adapters.telegram.handlers import Context, TelegramApp, user_ref
from adapters.telegram.render import b
from bot.exams.service import Exams
from bot.exams.views import ExamQuestion, ExamResult, history_text, miss_text

log = logging.getLogger(__name__)

LETTERS = "ABCDEF"
_ANSWER = re.compile(r"ea:(\d{1,18}):([A-F]{1,6})")
_MISS = re.compile(r"em:(\d{1,18}):(\d{1,4})")
PRIVATE_ONLY = "Exams run in a private chat with me: open it and send /exam there."
USAGE = (
    "/exam — the full timed exam (or resume yours); /exam short — 10 questions in "
    "proportional time; /exam stop — abandon it; /exam history — your past exams."
)


def question_text(step: ExamQuestion) -> str:
    return render.compose([b(step.header), "\n\n"]) + render.question(step.question)


def question_keyboard(step: ExamQuestion) -> InlineKeyboardMarkup:
    """A letter per option; a multi-answer question offers every combination (no feedback
    is given, so there is no toggle state to keep)."""
    view = step.question
    picks = ["".join(c) for c in combinations(LETTERS[: len(view.options)], view.select)]
    buttons = [
        InlineKeyboardButton("+".join(p), callback_data=f"ea:{view.ask_id}:{p}") for p in picks
    ]
    per_row = 6 if view.select == 1 else 4
    return InlineKeyboardMarkup([buttons[k : k + per_row] for k in range(0, len(buttons), per_row)])


def result_keyboard(result: ExamResult) -> InlineKeyboardMarkup | None:
    if not result.misses:
        return None
    label = f"Review misses ({len(result.misses)})"
    data = f"em:{result.summary.exam_id}:0"
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])


def miss_keyboard(result: ExamResult, index: int) -> InlineKeyboardMarkup:
    exam, count = result.summary.exam_id, len(result.misses)
    row = []
    if index > 0:
        row.append(InlineKeyboardButton("◀ Previous", callback_data=f"em:{exam}:{index - 1}"))
    if index + 1 < count:
        row.append(InlineKeyboardButton("Next ▶", callback_data=f"em:{exam}:{index + 1}"))
    return InlineKeyboardMarkup([row])


class ExamHandlers:
    def __init__(self, exams: Exams) -> None:
        self.exams = exams

    def register(self, application: TelegramApp) -> None:
        """Before the general button handler: it would call exam buttons not its own."""
        application.add_handler(CommandHandler("exam", self.command))
        application.add_handler(CallbackQueryHandler(self.button, pattern=r"^e[am]:"))

    async def command(self, update: Update, context: Context) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        if message.chat.type != Chat.PRIVATE:
            await message.reply_text(PRIVATE_ONLY)
            return
        ref = user_ref(user)
        word = " ".join(context.args or []).strip().lower()
        if word in ("", "short"):
            step: ExamQuestion | ExamResult
            if word == "" and await self.exams.in_progress(ref):
                step = await self.exams.current(ref)
            else:
                step = await self.exams.start(ref, short=word == "short")
            await self._send(message, step)
        elif word == "stop":
            stopped = await self.exams.stop(ref)
            await message.reply_text(
                render.escaped(
                    f"Exam stopped after {stopped.correct} right answer(s); "
                    "it is kept in /exam history."
                )
            )
        elif word == "history":
            await message.reply_text(render.escaped(history_text(await self.exams.history(ref))))
        else:
            await message.reply_text(render.escaped(USAGE))

    async def _send(self, message: Message, step: ExamQuestion | ExamResult) -> None:
        if isinstance(step, ExamQuestion):
            await message.reply_text(question_text(step), reply_markup=question_keyboard(step))
        else:
            await message.reply_text(
                render.escaped(step.text()), reply_markup=result_keyboard(step)
            )

    async def button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        message = query.message if isinstance(query.message, Message) else None
        ref = user_ref(query.from_user)
        markup: InlineKeyboardMarkup | None
        if match := _ANSWER.fullmatch(query.data):
            step = await self.exams.answer(ref, int(match.group(1)), match.group(2))
            if isinstance(step, ExamQuestion):
                await query.answer("Answer recorded")
                text, markup = question_text(step), question_keyboard(step)
            else:
                await query.answer("Time is up" if step.late else "Exam finished")
                text, markup = render.escaped(step.text()), result_keyboard(step)
        elif match := _MISS.fullmatch(query.data):
            result = await self.exams.result(ref, int(match.group(1)))
            index = min(int(match.group(2)), max(0, len(result.misses) - 1))
            await query.answer()
            if not result.misses:
                return
            miss = miss_text(result.misses[index], index, len(result.misses))
            text, markup = render.escaped(miss), miss_keyboard(result, index)
        else:
            await query.answer("That button is not one of mine. Send /exam.")
            return
        if message is None:
            await context.bot.send_message(query.from_user.id, text, reply_markup=markup)
            return
        try:
            await message.edit_text(text, reply_markup=markup)
        except BadRequest as error:
            log.info("could not edit exam message %s: %s", message.message_id, error)
