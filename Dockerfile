# ch-responder: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT (/slack/events).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PORT=3000 \
    CH_DB=/data/ch-responder.db \
    CH_CONFIG=/config/ch-responder.toml

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY db ./db
COPY handlers ./handlers
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin ch \
    && mkdir -p /data /config \
    && chown ch:ch /data

# The database (and its backups) live on a volume; the configuration is mounted read-only.
VOLUME ["/data"]
USER ch
EXPOSE 3000

# /healthz answers 503 when the database (or, in Socket Mode, Slack) is not answering.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4); sys.exit(0)"

ENTRYPOINT ["ch-responder"]
CMD ["run"]
