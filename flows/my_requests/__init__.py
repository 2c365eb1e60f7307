"""A citizen's own requests (/taleplerim), channel-neutral: its actions (what a press
asks for), its screens (the list, a request's history, the withdraw question, the
prompts), its steps (a note, a photo or an answer for a request, a withdrawal) and the
notices of what staff did. The rules themselves are core.workflow's; it answers
NotFound for anyone else's request."""
