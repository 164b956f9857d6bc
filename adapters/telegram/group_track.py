"""/track in a Telegram group: shows the group's own track (bot.chat_tracks), and lets the
group's admins change it, by name or with the menu's buttons. Everyone else gets the menu
and, on trying to change it, the core's refusal (through the error boundary).

Who administers the group is asked of Telegram (getChatMember) only when a change is tried;
a message sent as the group itself (an anonymous admin) counts as an admin's.
"""

from __future__ import annotations

import contextlib

from telegram import Chat, Message, Update, User
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from adapters.telegram import keyboards, render
from adapters.telegram.callbacks import ChooseTrack, parse
from adapters.telegram.handlers import Context, TelegramApp, group_key, is_group
from bot.chat_tracks import ChatTracks

ADMINS = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
TRACK_BUTTONS = r"^(tr|k):[^/]+/"  # tr: now; k: on menus sent before tr: existed


class _InGroup(CallbackQueryHandler):  # type: ignore[type-arg]
    """A button press on a group's message (a private chat's goes to the private handlers)."""

    def check_update(self, update: object) -> object:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None or not is_group(chat):
            return None
        return super().check_update(update)


class GroupTrack:
    def __init__(self, chat_tracks: ChatTracks) -> None:
        self.chat_tracks = chat_tracks

    def register(self, application: TelegramApp) -> None:
        """Added before the private-chat handlers, so these win in groups."""
        application.add_handler(
            CommandHandler("track", self.track, filters=filters.ChatType.GROUPS)
        )
        application.add_handler(_InGroup(self.button, pattern=TRACK_BUTTONS))

    async def track(self, update: Update, context: Context) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        choice = " ".join(context.args or []).strip()
        if choice:
            allowed = await _may_administer(context, chat, message.from_user, message)
            menu = await self.chat_tracks.choose(group_key(chat), choice, allowed)
        else:
            menu = await self.chat_tracks.show(group_key(chat))
        await message.reply_text(
            render.escaped(menu.text(buttons=True)), reply_markup=keyboards.tracks(menu)
        )

    async def button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        chat = update.effective_chat
        action = parse(query.data) if query else None
        if query is None or chat is None or not isinstance(action, ChooseTrack):
            return
        allowed = await _may_administer(context, chat, query.from_user, None)
        menu = await self.chat_tracks.choose(group_key(chat), action.key, allowed)
        await query.answer(render.plain(menu.notice, 200))
        if isinstance(query.message, Message):
            # deleted meanwhile, or showing this already: nothing worth failing over
            with contextlib.suppress(BadRequest):
                await query.message.edit_text(
                    render.escaped(menu.text(buttons=True)), reply_markup=keyboards.tracks(menu)
                )


async def _may_administer(
    context: Context, chat: Chat, user: User | None, message: Message | None
) -> bool:
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # an anonymous admin writes as the group
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in ADMINS
