"""gunicorn settings: gthread workers; the master migrates before forking."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 60
accesslog = "-"


def on_starting(server):
    """Bring the schema and essential data up to date once, before any worker serves."""
    from kernel import migrations, seeding
    from kernel.boot import boot

    platform = boot()
    migrations.migrate(platform.host, echo=server.log.info)
    seeding.run(platform.host, phases=("essential",), echo=server.log.info)
    from kernel import db

    db.disconnect()
