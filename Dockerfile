FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/tutor.db \
    TUTOR_CONTENT_DIR=/app/content

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY content ./content
RUN pip install --no-cache-dir . && useradd --create-home tutor && mkdir /data && chown tutor /data

USER tutor
VOLUME ["/data"]
CMD ["tutor", "run"]
