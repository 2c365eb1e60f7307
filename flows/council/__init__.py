"""The City Council's conversations, channel-neutral: its actions (`c:`), its
conversation state, and what each screen shows (assemblies and membership, events,
the coordinators' event creation). The rules are core.council's; handlers.council
renders these screens in Telegram, flows.plain on a channel with less."""
