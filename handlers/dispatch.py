"""What no feature's command or button took: messages go to the feature whose conversation
step is pending (or that takes group messages, replies or free text), and a button nobody
knows gets a polite answer instead of a spinner. Registered after every feature."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from db.engine import autocommit
from db.models import ConversationState
from flows import home
from handlers.common import KentContext, citizen_of, is_private
from handlers.feature import Feature, MessageCallback
from handlers.menu import menu_choices
from handlers.render import present


async def any_message(update: Update, context: KentContext) -> None:
    """Messages no command took: a staff reply in a group, a step of a flow, free text that
    can become a request; anything else in a private chat gets a helpful answer."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    features = context.deps.features
    if not is_private(update):
        for feature in features:
            if feature.on_group_message and await feature.on_group_message(update, context):
                return
        return
    if not (message.text or "").startswith("/"):
        for handler in candidates(update, context, features):
            if await handler(update, context):
                return
    t = context.texts()
    await present(update, home.unknown(t, menu_choices(t, features)))


def candidates(
    update: Update, context: KentContext, features: Sequence[Feature]
) -> list[MessageCallback]:
    """The handlers that may want this private message, in order, read from the citizen's
    one pending step: the replies' handlers for a reply to one of our messages (a staff
    question belongs to its request whatever else is pending), the step's owner, and the
    free-text handlers last.

    Asking every feature in turn cost a transaction each; the stored step says which to
    ask."""
    with autocommit(context.engine) as session:
        citizen = citizen_of(session, update)
        draft = session.get(ConversationState, citizen.id)
        step = draft.step if draft is not None else None
    message = update.effective_message
    replying = message is not None and message.reply_to_message is not None
    owner = next(
        (
            f.steps
            for f in features
            if f.steps is not None and step is not None and f.steps.owns(step)
        ),
        None,
    )
    found: list[MessageCallback] = []
    if replying and not (owner is not None and owner.before_replies):
        found += [f.on_reply for f in features if f.on_reply is not None]
    if owner is not None and owner.on_message not in found:
        found.append(owner.on_message)
    return found + [f.on_free_text for f in features if f.on_free_text is not None]


async def unknown_callback(update: Update, context: KentContext) -> None:
    """A button from an old or forged message: tell the user instead of spinning forever."""
    query = update.callback_query
    if query is None:
        return
    t = context.texts()
    await query.answer(t._("This button is no longer valid. Please use /start."), show_alert=True)


def register(app: Application) -> None:
    """Added last: within a group the first matching handler wins, so these catch the rest."""
    app.add_handler(CallbackQueryHandler(unknown_callback))
    app.add_handler(MessageHandler(filters.ALL & ~filters.UpdateType.EDITED, any_message))
