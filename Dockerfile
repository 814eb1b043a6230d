# One image for the hub and its workers; docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium-headless-shell fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY hub hub
COPY workflows workflows
COPY connectors connectors
COPY identity identity
COPY simulators simulators
COPY forms forms
RUN pip install --no-cache-dir .
RUN useradd --system --uid 10001 hub
USER hub
ENV HUB_ENVIRONMENT=production \
    HUB_FORMS_DIR=/app/forms \
    HUB_BROWSER__EXECUTABLE=/usr/bin/chromium-headless-shell
EXPOSE 8000
CMD ["python", "-m", "hub"]
