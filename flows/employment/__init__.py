"""The employment centre's conversations, channel-neutral: a job seeker's CV by chat."""
