"""Filing a request, channel-neutral: its actions (what a press asks for), its screens
(what each step shows) and its steps (what a press or a typed answer does to the draft).
The rules themselves are core.intake's."""
