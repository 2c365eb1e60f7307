"""Conversations, channel-neutral: what each step shows (a Screen: text, choices, replies
that ask for a location or a contact) and what a press or a typed answer does to the
citizen's conversation state. The Telegram shell (handlers/) renders the screens as
inline and reply keyboards and edits messages in place; another messaging channel
(WhatsApp: no edits, three buttons or a list of ten rows) renders the same screens its own
way (flows.plain). Nothing here imports telegram or a web framework (pyproject's layer
contracts)."""
