"""The staff desk in the browser (/masa/): sign-in by the bot's link, the queue, a
request's page and its actions, the entry form for phone and in-person requests, the
figures only staff know, and exports. Every page checks the session and the staff member's
role on the server (web/desk/auth.py) and calls the same core functions as the bot."""
