"""/settings on Telegram: one message with the settings, changed in place by its buttons.

A button opens its choices in the same message (with "‹ Back"); a choice changes the setting
(bot.settings_view) and the message shows the settings again with the new value. The zone
is set by a shared location or a typed city, both separate messages: the settings message
that asked for them is remembered (in memory: after a restart the student only misses the
edit, not the change) and shows the new zone when it comes.

A button that is no longer on its message (a stale copy, a second tap after the first
changed the menu) gets a notice and changes nothing; so does choosing what is already set.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from telegram import CallbackQuery, Chat, ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from adapters.telegram import keyboards, render
from adapters.telegram.callbacks import Setting
from bot import settings_view, tracks
from bot.errors import BadSetting
from bot.settings_view import CITY_PROMPT, CITY_QUESTION, StudentSettings
from bot.tutor import Tutor
from bot.views import UserRef

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
OUT_OF_DATE = "This menu is out of date: nothing changed. Send /settings for the current one."
PRIVATE_ONLY = "Your settings are yours: send /settings in our private chat."
REMEMBERED = 10_000  # settings messages waiting for a zone, at most (the oldest are forgotten)


class SettingsMenu:
    def __init__(self, tutor: Tutor) -> None:
        self.tutor = tutor
        # chat id -> the settings message that asked for a location or a city
        self._waiting: OrderedDict[int, int] = OrderedDict()

    async def command(self, message: Message, ref: UserRef) -> None:
        if message.chat.type != Chat.PRIVATE:
            await message.reply_text(render.escaped(PRIVATE_ONLY))
            return
        current = await settings_view.load(self.tutor, ref)
        await message.reply_text(render.settings(current), reply_markup=keyboards.settings(current))

    async def press(
        self, query: CallbackQuery, action: Setting, ref: UserRef, context: Context
    ) -> None:
        message = query.message if isinstance(query.message, Message) else None
        if message is None or message.chat.type != Chat.PRIVATE or not message.text:
            await query.answer(PRIVATE_ONLY)
            return
        if not _carries(message, query.data):
            await query.answer(OUT_OF_DATE)
            return
        if action.menu == "z" and action.value:  # the location or city comes as a message
            await query.answer()
            self._remember(message.chat.id, message.message_id)
            await self._ask_zone(message, by_location=action.value == "l")
            return
        if not action.value:  # open a sub-menu (or go back to the settings)
            await query.answer()
            current = await settings_view.load(self.tutor, ref)
            text, markup = await self._menu(action.menu, current, ref)
            await _edit(message, text, markup)
            return
        change = await self._change(action, ref)
        await query.answer(render.plain(change.notice, render.CALLBACK_ANSWER_LIMIT))
        await _edit(message, render.settings(change.settings), keyboards.settings(change.settings))

    async def _menu(
        self, menu: str, current: StudentSettings, ref: UserRef
    ) -> tuple[str, InlineKeyboardMarkup]:
        if menu == "t":
            prompt = settings_view.TIME_PROMPT.format(zone=current.daily.timezone)
            return render.settings(current, prompt), keyboards.settings_time(current)
        if menu == "z":
            prompt = settings_view.ZONE_PROMPT.format(zone=current.daily.timezone)
            return render.settings(current, prompt), keyboards.settings_zone()
        if menu == "r":
            prompt = settings_view.REVIEWS_PROMPT
            return render.settings(current, prompt), keyboards.settings_reviews(current)
        if menu == "k":
            track_menu = await tracks.show(self.tutor, ref)
            prompt = "What do you study?"
            return render.settings(current, prompt), keyboards.settings_tracks(track_menu)
        return render.settings(current), keyboards.settings(current)

    async def _change(self, action: Setting, ref: UserRef) -> settings_view.Change:
        if action.menu == "t":
            return await settings_view.set_time(self.tutor, ref, action.time)
        if action.menu == "r":
            return await settings_view.set_cap(self.tutor, ref, int(action.value))
        if action.menu == "k":
            return await settings_view.set_track(self.tutor, ref, action.value)
        return await settings_view.set_daily_on(self.tutor, ref, action.value == "on")

    async def _ask_zone(self, message: Message, *, by_location: bool) -> None:
        if by_location:
            await message.reply_text(
                render.escaped(render.LOCATION_PROMPT), reply_markup=keyboards.share_location()
            )
        else:
            await message.reply_text(
                render.escaped(CITY_PROMPT),
                reply_markup=ForceReply(input_field_placeholder="Berlin"),
            )

    # -- the zone, from a shared location or a typed city ------------------------------------
    @staticmethod
    def asks_city(message: Message) -> bool:
        """Is `message` a reply to "Which city are you in?" (the prompt, or a retry)."""
        replied = message.reply_to_message
        text = replied.text or "" if replied is not None else ""
        return text == CITY_PROMPT or text.endswith(f"\n\n{CITY_QUESTION}")

    async def city(self, update: Update, context: Context, ref: UserRef) -> None:
        """A typed city (a reply to CITY_PROMPT): the zone, or how to name it and a new prompt."""
        message = update.effective_message
        if message is None or not message.text:
            return
        try:
            change = await settings_view.set_zone(self.tutor, ref, message.text)
        except BadSetting as error:
            await message.reply_text(
                render.escaped(f"{error.message}\n\n{CITY_QUESTION}"),
                reply_markup=ForceReply(input_field_placeholder="Berlin"),
            )
            return
        await message.reply_text(render.escaped(settings_view.zone_text(change)))
        await self.zone_changed(message.chat.id, change.settings, context)

    async def zone_changed(self, chat_id: int, current: StudentSettings, context: Context) -> None:
        """The settings message that asked for the zone, if any, shows it."""
        message_id = self._waiting.pop(chat_id, None)
        if message_id is None:
            return
        try:
            await context.bot.edit_message_text(
                render.settings(current),
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=keyboards.settings(current),
            )
        except BadRequest as error:  # deleted, or already showing it
            log.info("could not edit settings message %s: %s", message_id, error)

    def _remember(self, chat_id: int, message_id: int) -> None:
        self._waiting[chat_id] = message_id
        self._waiting.move_to_end(chat_id)
        while len(self._waiting) > REMEMBERED:
            self._waiting.popitem(last=False)


def _carries(message: Message, data: str | None) -> bool:
    """Does the message still show a button with this data."""
    markup = message.reply_markup
    if markup is None or data is None:
        return False
    return any(b.callback_data == data for row in markup.inline_keyboard for b in row)


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup) -> None:
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as error:  # "message is not modified" after a double tap, or gone
        log.info("could not edit settings message %s: %s", message.message_id, error)
