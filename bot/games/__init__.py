"""Group games in the core: duels, group quizzes and single group questions.

Platform-neutral: adapters (Telegram, Discord) call the `Games` service with plain values
and render the views it publishes. Nothing here imports a platform library.

Public API (stable; additions only)
===================================

Where a game lives — `bot.games.views.Venue(platform, community, channel)`
    platform   "telegram" | "discord"
    community  the Discord guild id, or the Telegram group's chat id (ratings and
               leaderboards are kept per (platform, community))
    channel    the Discord channel id, or the Telegram chat id, where messages are posted

The service — `bot.games.service.Games` (built by `bot.app.start`, as `App.games`)
    games.attach(publisher)                          register a platform's GamePublisher
    await games.challenge(venue, challenger, opponent, rounds=5, opponent_is_bot=False)
    await games.accept(game_id, ref)                 only the challenged member
    await games.decline(game_id, ref)                the challenged member, or the challenger
    await games.start_quiz(venue, starter, rounds=5) a group quiz of 1-10 rounds
    await games.ask_group(venue, starter)            one question that closes and reveals
    await games.answer(ref, ask_id, letters)         a game round's answer button
    await games.reveal(game_id, ref)                 the Reveal button of a single question
    await games.stop(venue, ref)                     end the caller's open game in a channel
                                                     (its starter or a player may)
    await games.leaderboard(venue, ref)  -> LeaderboardView
    await games.tick(now=None)           -> int      deadlines due: called by the scheduler
                                                     (adapters/daily.py adds it as the job
                                                     "games-tick", every second)

  `ref` is a `bot.views.UserRef` (display_name is shown to the channel; members met this
  way get no private daily question). Every call returns a `Notice(text, game_id)`: a short
  private note for the caller (Telegram: the answerCallbackQuery toast or a reply; Discord:
  an ephemeral response). Refusals raise `bot.games.errors.GameError` (a `TutorError`,
  so each adapter's one error boundary already shows its `.message`).

What everyone in the channel sees goes out through the port, never as a return value —
`bot.games.ports.GamePublisher` (one per platform, attached to the service):
    platform: str
    async def post(venue, view) -> str           send a message; return its reference
    async def edit(venue, message_ref, view)     replace that message with `view`
  The same path serves button presses and timers (a round closing, an invitation
  expiring), so a restart changes nothing. A publish error is logged; the game goes on.
  A publisher raises `bot.games.ports.ChannelGone` when the bot can no longer write to the
  channel (kicked, channel deleted): the channel's open games are then stopped quietly.
  Each adapter attaches its publisher once at start: `core.games.attach(publisher)`; the
  tick of a process serves only the platforms attached there.

What is published when:
    challenge        post InviteView("open")        (its message ref is kept for edits)
    accept           edit InviteView("accepted"), then post RoundView (round 1)
    decline/expiry   edit InviteView("declined" | "cancelled" | "expired")
    round opens      post RoundView                 (quiz/single: at once; later rounds
                                                     after a 5 s pause, by the tick)
    round closes     edit that RoundView(closed=True), post RevealView, and after the
                     last round of a duel or quiz post GameOverView (a single question's
                     reveal is its end)
    stop / stale     edit the open RoundView (or the invitation), post GameOverView

Views (`bot.games.views`, frozen dataclasses) — `GameView` is one of:
    InviteView     a duel invitation; status "open" gets Accept/Decline buttons, the others
                   ("accepted", "declined", "expired", "cancelled") none
    RoundView      a round's question (a `bot.views.QuestionView` inside) with its answer
                   buttons while `closed` is False; `revealable` adds a Reveal button.
                   Several members answer one message, so a "Select TWO" question offers
                   each combination as a button (the Telegram way), or a select menu.
    RevealView     the right answer, an explanation, who picked what and the scores; for
                   a single question `concepts` (Explain buttons) and `next_button`
    GameOverView   final standings; for a duel the winner and each rating change
  plus `LeaderboardView` (returned by `leaderboard`).

Buttons carry only short ids (`bot.games.actions`; each encoding is <= 64 bytes, so the
same string serves as Telegram callback_data and Discord custom_id):
    g:<ask id>:<letters>   answer a round (letters A-F, e.g. "B" or "AC")
    ga:<game id>           accept a duel         gd:<game id>   decline a duel
    gr:<game id>           reveal a single question now
  `actions.parse(data)` returns the action or None for anything else. Plain answer
  buttons (Telegram's "a:<ask>:<letters>") refuse a game round's ask: only
  `Games.answer` scores it, after checking the round is open and the member may play.

Rules (`bot.games.rules`): invitations expire after 2 minutes; a duel has 3-10 rounds,
a quiz 1-10; a round lasts 20 s + 1 s per 15 words of scenario and options (at most 90 s;
a single question twice that); a correct answer scores 100 plus, in a duel, a speed bonus up to 50,
and in a quiz 50 more for the first correct answer. Duel ratings are Elo (K=32, from 1200)
per (platform, community, member).

State lives in the database (`bot.store.games`, migration 0005): a `games` row per game
with its deadline, `game_players`, `game_rounds` (round -> ask) and `game_standings`
(rating, wins/losses/draws, quiz points per community and member). Each round is an ask (purpose
"duel", "groupquiz" or "single") and its answers are the ordinary attempts, stored once per
UNIQUE(ask, user) by the tutor's answer path; the game row is checked and moved in that
same transaction. `tick` claims due rows one by one (FOR UPDATE SKIP LOCKED on PostgreSQL,
a version check everywhere), so several processes never fire a round twice.
"""
