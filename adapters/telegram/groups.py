"""Telegram groups host the core's games: /quiz, /quiz N, /duel (as a reply), /leaderboard,
/stopgame, and the game buttons. Public messages go out through `TelegramGamePublisher`
(the core publishes on button presses and on timers alike); a command or a press itself
gets at most a short private notice.

Core errors (TutorError, GameError) reach the one error boundary in `errors.py`.
"""

from __future__ import annotations

import logging

from telegram import Bot, Chat, Message, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from adapters.telegram import game_render, render
from adapters.telegram.handlers import PLATFORM, Context, TelegramApp, user_ref
from bot.games import actions
from bot.games.ports import ChannelGone
from bot.games.service import Games
from bot.games.views import GameView, Notice, Venue
from bot.views import UserRef

log = logging.getLogger(__name__)

QUIZ_USAGE = "Use /quiz for one question, or /quiz N for a quiz of N rounds (1–10)."
DUEL_USAGE = (
    "Reply to a member's message with /duel to challenge them (/duel N for N rounds, 3–10)."
)
GROUPS_ONLY = "Games and leaderboards live in groups: add me to your study group and try there."
NOT_A_BUTTON = "That button is not one of mine."
# Game buttons: g:<ask>:<letters>, ga:/gd:/gr:<game> (see bot.games.actions).
GAME_BUTTONS = r"^g[adr]?:"


def venue_of(chat: Chat) -> Venue:
    """A Telegram group is both the community (its leaderboard) and the channel."""
    return Venue(PLATFORM, str(chat.id), str(chat.id))


class TelegramGamePublisher:
    """The core's GamePublisher for Telegram: a message per view, edited in place."""

    platform = PLATFORM

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def post(self, venue: Venue, view: GameView) -> str:
        text, markup = game_render.render(view)
        try:
            message = await self.bot.send_message(int(venue.channel), text, reply_markup=markup)
        except Forbidden as error:  # removed from the group
            raise ChannelGone(str(error)) from error
        except BadRequest as error:
            if "chat not found" in str(error).lower():
                raise ChannelGone(str(error)) from error
            raise
        return str(message.message_id)

    async def edit(self, venue: Venue, message_ref: str, view: GameView) -> None:
        text, markup = game_render.render(view)
        try:
            await self.bot.edit_message_text(
                text, chat_id=int(venue.channel), message_id=int(message_ref), reply_markup=markup
            )
        except Forbidden as error:
            raise ChannelGone(str(error)) from error
        except BadRequest as error:  # deleted meanwhile, or already showing this
            log.info("could not edit game message %s: %s", message_ref, error)


class GroupGames:
    def __init__(self, games: Games) -> None:
        self.games = games

    def register(self, application: TelegramApp) -> None:
        """Added before the private-chat handlers, so these win in groups."""
        groups = filters.ChatType.GROUPS
        application.add_handler(CommandHandler("quiz", self.quiz, filters=groups))
        for name, callback in (
            ("duel", self.duel),
            ("leaderboard", self.leaderboard),
            ("stopgame", self.stop),
        ):
            application.add_handler(CommandHandler(name, callback))
        application.add_handler(CallbackQueryHandler(self.button, pattern=GAME_BUTTONS))

    async def quiz(self, update: Update, context: Context) -> None:
        message, chat = _group_message(update)
        args = context.args or []
        ref = user_ref(message.from_user) if message.from_user else None
        if ref is None:
            return
        if not args:
            await self.games.ask_group(venue_of(chat), ref)
        elif len(args) == 1 and args[0].isdigit():
            await self.games.start_quiz(venue_of(chat), ref, int(args[0]))
        else:
            await message.reply_text(QUIZ_USAGE)

    async def duel(self, update: Update, context: Context) -> None:
        sent = await _in_group(update)
        if sent is None:
            return
        message, chat, sender = sent
        args = context.args or []
        target = message.reply_to_message.from_user if message.reply_to_message else None
        if target is None or len(args) > 1 or (args and not args[0].isdigit()):
            await message.reply_text(DUEL_USAGE)
            return
        rounds = int(args[0]) if args else None
        await self.games.challenge(
            venue_of(chat),
            sender,
            user_ref(target),
            rounds,
            opponent_is_bot=target.is_bot,
        )

    async def leaderboard(self, update: Update, context: Context) -> None:
        sent = await _in_group(update)
        if sent is None:
            return
        message, chat, sender = sent
        board = await self.games.leaderboard(venue_of(chat), sender)
        await message.reply_text(game_render.leaderboard(board))

    async def stop(self, update: Update, context: Context) -> None:
        sent = await _in_group(update)
        if sent is None:
            return
        _message, chat, sender = sent
        await self.games.stop(venue_of(chat), sender)

    async def button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        action = actions.parse(query.data)
        ref = user_ref(query.from_user)
        notice: Notice
        if isinstance(action, actions.AnswerRound):
            notice = await self.games.answer(ref, action.ask_id, action.letters)
        elif isinstance(action, actions.Accept):
            notice = await self.games.accept(action.game_id, ref)
        elif isinstance(action, actions.Decline):
            notice = await self.games.decline(action.game_id, ref)
        elif isinstance(action, actions.Reveal):
            notice = await self.games.reveal(action.game_id, ref)
        else:
            await query.answer(NOT_A_BUTTON)
            return
        await query.answer(render.plain(notice.text, render.CALLBACK_ANSWER_LIMIT))


async def _in_group(update: Update) -> tuple[Message, Chat, UserRef] | None:
    """A group command's message, chat and sender; None (after saying where games live)
    outside a group, or for a message with no sender."""
    message, chat = _group_message(update)
    if message.from_user is None:
        return None
    if chat.type not in (Chat.GROUP, Chat.SUPERGROUP):
        await message.reply_text(GROUPS_ONLY)
        return None
    return message, chat, user_ref(message.from_user)


def _group_message(update: Update) -> tuple[Message, Chat]:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        raise ValueError("a command update without a message or a chat")
    return message, chat
