"""A group chat's own track: what its games (duels, group quizzes, single group questions)
and its channel daily question ask from.

Stored per chat ("<platform>:<chat id>", like an ask's group key); a chat that never chose
one studies the default track (the default pack's default blueprint). Anyone may see it;
only those who may administer the chat change it — the adapter checks that on its platform
(Telegram: group admins; Discord: Manage Server or Manage Channels) and says so here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot import tracks
from bot.errors import TutorError
from bot.tracks import Track, TrackMenu
from bot.tutor import Tutor


class ChatTrackStore(Protocol):
    async def chat_track(self, chat_key: str) -> str | None: ...

    async def set_chat_track(self, chat_key: str, track: str, now: datetime) -> None: ...


class NotChatAdmin(TutorError):
    def __init__(self, current: str) -> None:
        super().__init__(
            f"Only the chat's admins can change its track. It studies: {current}. "
            "Your own track: /track in a private chat with me."
        )


class ChatTracks:
    def __init__(self, tutor: Tutor, store: ChatTrackStore) -> None:
        self.tutor = tutor
        self.store = store

    async def track_of(self, chat_key: str) -> Track:
        """The chat's track in force (its stored one while loaded, else the default)."""
        stored = await self.store.chat_track(chat_key)
        return tracks.resolve(await self.tutor.bank(), stored, self.tutor.default_pack)

    async def show(self, chat_key: str) -> TrackMenu:
        return tracks.menu(await self.tutor.bank(), await self.track_of(chat_key), chat=True)

    async def choose(self, chat_key: str, text: str, may_administer: bool) -> TrackMenu:
        """Set the chat's track ('saa', 'saa/course'). NotChatAdmin unless `may_administer`;
        BadSetting for an unknown track. Either way nothing changes."""
        bank = await self.tutor.bank()
        if not may_administer:
            current = tracks.menu(bank, await self.track_of(chat_key), chat=True).current
            raise NotChatAdmin(current)
        track = tracks.parse_choice(bank, text)
        await self.store.set_chat_track(chat_key, track.key, self.tutor.clock())
        return tracks.menu(bank, track, chat=True)
