"""Commands and button presses: decode the update, call the core, render, send.

Core errors (TutorError) are not caught here: they reach the one error handler in
`errors.py`, which tells the user in the right place (a chat reply, or the notice of a
button press). Nothing is scored outside the core, so a double press, a stale button or
forged callback data can only ever get such a notice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    ChatMember,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
    Update,
    User,
)
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.telegram import callbacks, keyboards, render
from adapters.telegram.callbacks import (
    Answer,
    Catalogue,
    ChooseTrack,
    Confident,
    DailyLocation,
    DailyTime,
    Explain,
    NextQuestion,
    QuizDomain,
    QuizOn,
    Report,
    ReportReason,
    Setting,
    Skip,
    Toggle,
)
from adapters.telegram.settings import SettingsMenu
from bot import labels, settings_view, tracks
from bot.concepts import Concepts
from bot.confidence import Confidence
from bot.errors import UnknownConcept
from bot.games.service import Games
from bot.games.views import Venue
from bot.open_question import OPEN_NOTICE, OpenQuestions
from bot.reports import REASONS, Reports
from bot.schedule_setting import split_daily, zone_at
from bot.tutor import Tutor
from bot.views import QuestionView, UserRef

log = logging.getLogger(__name__)

PLATFORM = "telegram"
ASKING_AT_ONCE = 4
NOT_A_BUTTON = "That button is not one of mine. Send /quiz for a question."
CLOSED = "That question is closed. Send /quiz for a new one."
PICK_FIRST = "Tap the letters you pick, then Submit."

Context = ContextTypes.DEFAULT_TYPE
TelegramApp = Application[Any, Any, Any, Any, Any, Any]


def user_ref(user: User) -> UserRef:
    return UserRef(PLATFORM, str(user.id), user.full_name or "")


def chat_ref(chat_id: int) -> UserRef:
    """The user of a private chat (its id is the user's id), without a display name."""
    return UserRef(PLATFORM, str(chat_id))


def group_key(chat: Chat) -> str:
    return f"{PLATFORM}:{chat.id}"


def is_group(chat: Chat) -> bool:
    return chat.type in (Chat.GROUP, Chat.SUPERGROUP)


class Handlers:
    """The student-facing side of the bot."""

    def __init__(
        self,
        tutor: Tutor,
        admins: frozenset[int],
        games: Games | None = None,
        reports: Reports | None = None,
        opened: OpenQuestions | None = None,
        confidence: Confidence | None = None,
    ) -> None:
        self.tutor = tutor
        self.opened = opened
        self.confidence = confidence
        self.reports = reports
        self.admins = admins
        self.games = games
        self.concepts = Concepts(tutor)
        self.settings = SettingsMenu(tutor)
        # New questions are made a few at a time: a wave of /quiz (they then wait for send
        # tokens anyway) must not fill the database pool ahead of the answers, whose toast
        # the student is waiting for.
        self._asking = asyncio.Semaphore(ASKING_AT_ONCE)

    def register(self, application: TelegramApp) -> None:
        for name, callback in (
            ("start", self.start),
            ("help", self.help),
            ("quiz", self.quiz),
            ("explain", self.explain),
            ("track", self.track),
            ("reviews", self.reviews),
            ("daily", self.daily),
            ("settings", self.settings_command),
            ("stop", self.stop),
        ):
            application.add_handler(CommandHandler(name, callback))
        application.add_handler(
            MessageHandler(filters.ChatType.PRIVATE & filters.LOCATION, self.location)
        )
        application.add_handler(CallbackQueryHandler(self.button))
        application.add_handler(
            ChatMemberHandler(self.membership, ChatMemberHandler.MY_CHAT_MEMBER)
        )

    def register_fallback(self, application: TelegramApp) -> None:
        """Unknown commands and stray text in private chats (added after every other handler)."""
        application.add_handler(
            MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, self.unknown_command)
        )
        application.add_handler(
            MessageHandler(filters.ChatType.PRIVATE & filters.TEXT, self.stray_text)
        )
        application.add_handler(
            MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL, self.stray_document)
        )

    # -- commands ------------------------------------------------------------------------
    async def start(self, update: Update, context: Context) -> None:
        message, user = _message_and_user(update)
        ref = user_ref(user)
        await self.tutor.mark_active(ref)  # a user who blocked the bot and came back
        setting = await self.tutor.daily_setting(ref)
        await message.reply_text(
            render.welcome(user.first_name, setting, admin=user.id in self.admins)
        )

    async def help(self, update: Update, context: Context) -> None:
        message, user = _message_and_user(update)
        await message.reply_text(render.help_text(admin=user.id in self.admins))

    async def quiz(self, update: Update, context: Context) -> None:
        message, user = _message_and_user(update)
        topic = " ".join(context.args or []).strip() or None
        # A plain /quiz with a question open says so; /quiz TOPIC is a deliberate request.
        if self.opened is not None and topic is None and not is_group(message.chat):
            open_ask = await self.opened.open_ask(user_ref(user))
            if open_ask is not None:  # say so, and offer to skip it (kept as skipped)
                await message.reply_text(
                    render.escaped(OPEN_NOTICE), reply_markup=keyboards.skip_open(open_ask)
                )
                return
        await self.send_question(context, message.chat, user, topic)

    async def track(self, update: Update, context: Context) -> None:
        message, user = _message_and_user(update)
        choice = " ".join(context.args or []).strip()
        ref = user_ref(user)
        menu = await (
            tracks.choose(self.tutor, ref, choice) if choice else tracks.show(self.tutor, ref)
        )
        await message.reply_text(
            render.escaped(menu.text(buttons=True)), reply_markup=keyboards.tracks(menu)
        )

    async def reviews(self, update: Update, context: Context) -> None:
        message, user = _message_and_user(update)
        reply = await tracks.set_review_cap(
            self.tutor, user_ref(user), " ".join(context.args or [])
        )
        await message.reply_text(render.escaped(reply))

    async def explain(self, update: Update, context: Context) -> None:
        message, _user = _message_and_user(update)
        name = " ".join(context.args or []).strip()
        if not name:
            catalogue = await self.concepts.catalogue()
            count = sum(len(c.cards) for c in catalogue)
            await message.reply_text(
                render.catalogue_intro(count), reply_markup=keyboards.categories(catalogue)
            )
            return
        try:
            card = await self.tutor.explain(name)
        except UnknownConcept as unknown:  # the suggestions become buttons
            markup = keyboards.suggestions(unknown.ids, unknown.suggestions)
            await message.reply_text(render.escaped(unknown.message), reply_markup=markup)
            return
        await message.reply_text(render.concept(card), reply_markup=keyboards.concept(card))

    async def daily(self, update: Update, context: Context) -> None:
        message, user = _message_and_user(update)
        ref = user_ref(user)
        args = context.args or []
        if not args:  # the setting, with a time picker and "use my location" as buttons
            setting = await self.tutor.daily_setting(ref)
            await message.reply_text(
                render.daily_picker(setting), reply_markup=keyboards.daily_picker()
            )
            return
        if len(args) == 1 and args[0].lower() == "off":
            setting = await self.tutor.daily_off(ref)
        else:
            time, place = split_daily(args)
            if time is None:  # "/daily Berlin": the zone only, at the time already set
                time = (await self.tutor.daily_setting(ref)).time
            setting = await self.tutor.set_daily(ref, time, place)
        await message.reply_text(render.daily(setting))

    async def settings_command(self, update: Update, context: Context) -> None:
        message, user = _message_and_user(update)
        await self.settings.command(message, user_ref(user))

    async def location(self, update: Update, context: Context) -> None:
        """A shared location (after "📍 Use my location"): its time zone, found offline. The
        daily question stays on or off as it was."""
        message, user = _message_and_user(update)
        if message.location is None:
            return
        zone = zone_at(message.location.latitude, message.location.longitude)
        change = await settings_view.set_zone(self.tutor, user_ref(user), zone)
        await message.reply_text(
            render.escaped(settings_view.zone_text(change)), reply_markup=ReplyKeyboardRemove()
        )
        await self.settings.zone_changed(message.chat.id, change.settings, context)

    async def stop(self, update: Update, context: Context) -> None:
        message, user = _message_and_user(update)
        await self.tutor.daily_off(user_ref(user))
        await message.reply_text(
            "Done: no more daily questions. /quiz still works any time, and /daily "
            "turns them back on."
        )

    async def unknown_command(self, update: Update, context: Context) -> None:
        message, _user = _message_and_user(update)
        await message.reply_text("I do not know that command. Send /help to see what I can do.")

    async def stray_text(self, update: Update, context: Context) -> None:
        message, user = _message_and_user(update)
        replied = message.reply_to_message
        tag = render.REPORT_TAG.search(replied.text or "") if replied else None
        if tag and self.reports is not None and message.text:
            # A reply to "Thanks: reported … Report #id": the optional line of detail.
            await self.reports.add_note(user_ref(user), int(tag.group(1)), message.text)
            await message.reply_text(labels.NOTE_ADDED)
            return
        if self.settings.asks_city(message):  # a reply to /settings' "Which city are you in?"
            await self.settings.city(update, context, user_ref(user))
            return
        await message.reply_text(
            "Tap a button under a question to answer it, or send /quiz for a new one."
        )

    async def stray_document(self, update: Update, context: Context) -> None:
        """A file without the /import caption: say what to do with it."""
        message, user = _message_and_user(update)
        if user.id in self.admins:
            text = (
                "To load this file into the question bank, reply /import to it, or send it "
                "again with the caption /import."
            )
        else:
            text = "I do not read files here. Send /quiz for a question, or /help."
        await message.reply_text(text)

    # -- questions -----------------------------------------------------------------------
    async def send_question(
        self, context: Context, chat: Chat, user: User, topic: str | None = None
    ) -> None:
        group = is_group(chat)
        if group and self.games is not None:
            # A group question is a game: it closes and reveals (bot.games), and the core
            # posts it through the game publisher.
            venue = Venue(PLATFORM, str(chat.id), str(chat.id))
            await self.games.ask_group(venue, user_ref(user))
            return
        async with self._asking:
            view: QuestionView = (
                await self.tutor.group_question(group_key(chat))
                if group
                else await self.tutor.next_question(user_ref(user), topic=topic)
            )
        sent = await context.bot.send_message(
            chat.id,
            render.question(view, group=group),
            reply_markup=keyboards.question(view, group=group),
        )
        await self.tutor.set_message_ref(view.ask_id, f"{chat.id}:{sent.message_id}")

    # -- buttons -------------------------------------------------------------------------
    async def button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        action = callbacks.parse(query.data)
        if isinstance(action, Answer):
            await self._answer(query, action, context)
        elif isinstance(action, Toggle):
            await self._toggle(query, action)
        elif isinstance(action, NextQuestion | QuizDomain):
            chat = query.message.chat if query.message else None
            if chat is None:
                await query.answer(CLOSED)
                return
            await query.answer()  # the toast first: it takes no send token
            topic = action.domain if isinstance(action, QuizDomain) else None
            await self.send_question(context, chat, query.from_user, topic)
        elif isinstance(action, Setting):
            await self.settings.press(query, action, user_ref(query.from_user), context)
        elif isinstance(action, ChooseTrack):
            menu = await tracks.choose(self.tutor, user_ref(query.from_user), action.key)
            await query.answer(render.plain(menu.notice, 200))
            if isinstance(query.message, Message):
                text = render.escaped(menu.text(buttons=True))
                await _edit(query.message, text, keyboards.tracks(menu))
        elif isinstance(action, Explain):
            card = await self.tutor.explain(action.concept_id)
            await query.answer()
            target = query.message.chat.id if query.message else query.from_user.id
            await context.bot.send_message(
                target, render.concept(card), reply_markup=keyboards.concept(card)
            )
        elif isinstance(action, QuizOn):
            await self._quiz_on(query, action, context)
        elif isinstance(action, Catalogue):
            await self._catalogue(query, action)
        elif isinstance(action, Skip) and self.opened is not None:
            await self._skip(query, action, context)
        elif isinstance(action, DailyTime):
            setting = await self.tutor.set_daily(user_ref(query.from_user), action.time, None)
            await query.answer(f"Daily question at {setting.time} ({setting.timezone})")
            if isinstance(query.message, Message) and query.message.text:
                await _edit(query.message, render.daily(setting), None)
        elif isinstance(action, DailyLocation):
            await query.answer()
            target = query.message.chat.id if query.message else query.from_user.id
            await context.bot.send_message(
                target,
                render.escaped(render.LOCATION_PROMPT),
                reply_markup=keyboards.share_location(),
            )
        elif isinstance(action, Report) and self.reports is not None:
            await query.answer()
            target = query.message.chat.id if query.message else query.from_user.id
            await context.bot.send_message(
                target,
                render.escaped(labels.REPORT_PROMPT),
                reply_markup=keyboards.report_reasons(action.ask_id),
            )
        elif isinstance(action, ReportReason) and self.reports is not None:
            await self._report(query, action)
        elif isinstance(action, Confident) and self.confidence is not None:
            # A toast only: no message is sent or edited (no send token spent).
            ref = user_ref(query.from_user)
            marked = await self.confidence.mark(ref, action.ask_id, action.sure)
            await query.answer(marked.text())
        else:
            await query.answer(NOT_A_BUTTON)

    async def _answer(self, query: CallbackQuery, action: Answer, context: Context) -> None:
        """Score, show the verdict as the toast (no send token), then one rate-limited call:
        the question edited to carry the result and the explanation below it."""
        fb = await self.tutor.answer(user_ref(query.from_user), action.ask_id, action.letters)
        await query.answer(render.callback_verdict(fb))
        message = query.message if isinstance(query.message, Message) else None
        if fb.purpose == "group":
            answers = await self.tutor.group_answers(fb.ask_id)
            if message is not None:  # keep the buttons: the others may still answer
                text = render.with_result(_html_of(message), render.group_results(answers))
                await _edit(message, text, message.reply_markup)
            return
        markup = keyboards.feedback(fb)
        answered = message is not None and bool(message.text)
        if (
            message is not None
            and answered
            and await _edit(message, render.answered(_html_of(message), fb), markup)
        ):
            return
        # The question message is gone (or too old to edit): the explanation on its own.
        target = message.chat.id if message is not None else query.from_user.id
        await context.bot.send_message(target, render.feedback(fb), reply_markup=markup)

    async def _quiz_on(self, query: CallbackQuery, action: QuizOn, context: Context) -> None:
        chat = query.message.chat if query.message else None
        if chat is None or is_group(chat):
            await query.answer("Quiz me works in our private chat: send me /explain there.")
            return
        async with self._asking:
            view = await self.concepts.quiz_on(user_ref(query.from_user), action.concept_id)
        await query.answer()
        sent = await context.bot.send_message(
            chat.id, render.question(view), reply_markup=keyboards.question(view)
        )
        await self.tutor.set_message_ref(view.ask_id, f"{chat.id}:{sent.message_id}")

    async def _skip(self, query: CallbackQuery, action: Skip, context: Context) -> None:
        chat = query.message.chat if query.message else None
        if chat is None or self.opened is None:
            await query.answer(CLOSED)
            return
        async with self._asking:
            view = await self.opened.skip_and_ask(user_ref(query.from_user), action.ask_id)
        await query.answer(labels.SKIPPED)
        if isinstance(query.message, Message) and query.message.text:
            await _edit(query.message, render.escaped("Skipped. Here is a new question."), None)
        sent = await context.bot.send_message(
            chat.id, render.question(view), reply_markup=keyboards.question(view)
        )
        await self.tutor.set_message_ref(view.ask_id, f"{chat.id}:{sent.message_id}")

    async def _report(self, query: CallbackQuery, action: ReportReason) -> None:
        assert self.reports is not None
        ref = user_ref(query.from_user)
        report_id = await self.reports.report(ref, action.ask_id, action.reason)
        await query.answer(labels.REPORT_THANKS)
        text = render.report_thanks(report_id, REASONS[action.reason])
        message = query.message if isinstance(query.message, Message) else None
        if message is not None and message.text:
            await _edit(message, text, None)

    async def _catalogue(self, query: CallbackQuery, action: Catalogue) -> None:
        """The catalogue message, edited in place: categories, or one category's cards."""
        message = query.message if isinstance(query.message, Message) else None
        catalogue = await self.concepts.catalogue()
        if message is None or (action.category is not None and action.category >= len(catalogue)):
            await query.answer("The cards changed since; send /explain for the list.")
            return
        await query.answer()
        if action.category is None:
            count = sum(len(c.cards) for c in catalogue)
            text, markup = render.catalogue_intro(count), keyboards.categories(catalogue)
        else:
            category = catalogue[action.category]
            pages = labels.pages_of(len(category.cards), keyboards.CARDS_PER_PAGE)
            page = min(action.page, pages - 1)
            text = render.category_intro(category.name, len(category.cards), page, pages)
            markup = keyboards.category(catalogue, action.category, page)
        if message.text:
            await _edit(message, text, markup)
        else:
            await message.reply_text(text, reply_markup=markup)

    async def _toggle(self, query: CallbackQuery, action: Toggle) -> None:
        message = query.message if isinstance(query.message, Message) else None
        state = keyboards.toggle_state(message.reply_markup) if message else None
        if (
            message is None
            or state is None
            or state.ask_id != action.ask_id
            or any(letter not in keyboards.LETTERS[: state.option_count] for letter in action.picks)
        ):
            await query.answer(CLOSED)
            return
        if action.picks == state.picks:
            await query.answer(PICK_FIRST)
            return
        if state.select and len(action.picks) > state.select:
            # A further tick once N are picked is refused: no keyboard can submit N+1.
            await query.answer(render.too_many_picks(state.select, state.picks))
            return
        await query.answer()
        await message.edit_reply_markup(
            keyboards.toggles(action.ask_id, state.option_count, action.picks, state.select)
        )

    # -- membership ----------------------------------------------------------------------
    async def membership(self, update: Update, context: Context) -> None:
        """Telegram tells us when a user blocks the bot (kicked) or unblocks it (member)."""
        change = update.my_chat_member
        if change is None or change.chat.type != Chat.PRIVATE:
            return
        status = change.new_chat_member.status
        if status == ChatMember.BANNED:
            await self.tutor.mark_inactive(chat_ref(change.chat.id))
        elif status == ChatMember.MEMBER:
            await self.tutor.mark_active(chat_ref(change.chat.id))


def _message_and_user(update: Update) -> tuple[Message, User]:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        raise ValueError("a command update without a message or a user")
    return message, user


def _html_of(message: Message) -> str:
    """The message's text as HTML (Telegram returns entities; PTB turns them back)."""
    return message.text_html if message.text else ""


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """Edit a question in place; an edit that cannot be made is not worth failing over."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as error:
        log.info("could not edit message %s: %s", message.message_id, error)
        return False
    return True
