"""A citizen's own requests (/taleplerim), channel-neutral: its actions (what a press
asks for), its screens (the list, a request's history, the withdraw question, the
prompts) and its steps (a note, a photo or an answer for a request, a withdrawal). The
rules themselves are core.workflow's; it answers NotFound for anyone else's request."""
