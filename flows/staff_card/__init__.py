"""A request's card in its department's staff group: what staff read and may do there."""
