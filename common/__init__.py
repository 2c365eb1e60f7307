"""What every layer may use: the configuration (config.toml) and translations (Babel).

Nothing here knows of Telegram, the web or the database's tables, so `core/`, `db/`,
`handlers/`, `bot/` and `scheduler/` can all import it (see the layer contracts in
pyproject.toml)."""
