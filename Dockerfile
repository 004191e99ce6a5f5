FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CONNECTOR_VAR_DIR=/app/var

WORKDIR /app
RUN useradd --create-home --uid 1000 connector

COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir -e . \
    && DEBUG=true STATICFILES_STORAGE=whitenoise.storage.CompressedManifestStaticFilesStorage \
       python manage.py collectstatic --noinput \
    && chown -R connector:connector /app/var

USER connector
EXPOSE 8000
CMD ["gunicorn", "connector.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
