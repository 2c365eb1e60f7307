# Kent Bot's image: `docker compose -f deploy/compose.yaml up -d` runs it on PostgreSQL
# (docs/operations.md, "Deployment with Docker Compose").
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/var/lib/kentbot/matplotlib

# pg_dump and pg_restore, for `kentbot backup` / `restore` from inside the container; the
# client must be of the server's major version or newer (compose.yaml runs PostgreSQL 15).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/kentbot --create-home --shell /usr/sbin/nologin kentbot \
    && install -d -o kentbot -g kentbot /backups

WORKDIR /opt/kentbot
COPY . .
# An editable install, as on a server: config.toml and locales/ are read next to the code.
RUN pip install -e . && python -c "import bot.cli, common.i18n"

USER kentbot
# `kentbot run` migrates the database itself once it leads (before it polls).
# The web application (KENTBOT_WEB_LISTEN or config.toml [web] listen).
EXPOSE 8080
CMD ["kentbot", "run"]
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
    CMD ["kentbot", "status", "--this-host"]
