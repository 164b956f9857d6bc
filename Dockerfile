# syntax=docker/dockerfile:1
# Two stages: build wheels with the compilers, then a slim runtime with the wheels only.
# The base image is pinned to an exact tag; bump it deliberately (and rebuild) for updates.
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
RUN pip wheel --wheel-dir /wheels .

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/tutor.db \
    TUTOR_CONTENT_DIR=/app/content \
    TUTOR_HTTP=0.0.0.0:8080 \
    TUTOR_LOG_FORMAT=json
WORKDIR /app
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels /wheels/*.whl \
    && useradd --system --user-group --create-home --uid 10001 tutor \
    && mkdir /data && chown tutor /data
COPY content ./content
COPY deploy/entrypoint.sh /usr/local/bin/tutor-entrypoint
USER 10001
VOLUME ["/data"]
EXPOSE 8080 8443
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; port = os.environ['TUTOR_HTTP'].rpartition(':')[2]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"]
ENTRYPOINT ["tutor-entrypoint"]
CMD ["run"]
