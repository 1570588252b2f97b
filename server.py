"""QuteCat: the WSGI app for gunicorn (``server:app``) and the command line (``python server.py``)."""

import os
import signal
import sys
import threading
import time

import click


def _platform():
    from kernel.boot import boot

    return boot()


class _LazyApp:
    """Boot on first use, so importing this module (gunicorn, the CLI) stays cheap and fork-safe."""

    _app = None
    _lock = threading.Lock()

    def __call__(self, environ, start_response):
        if self._app is None:
            with self._lock:
                if self._app is None:
                    type(self)._app = _platform().app
        return self._app(environ, start_response)


app = _LazyApp()


def _migrate(platform, quiet=False):
    from kernel import migrations

    echo = (lambda _msg: None) if quiet else click.echo
    return migrations.migrate(platform.host, echo=echo)


def _seed(platform, phases, demo):
    from tqdm import tqdm

    from kernel import seeding

    def progress(items):
        return tqdm(items, desc="seeding", unit="step", file=sys.stderr, leave=False)

    ctx = seeding.run(platform.host, phases=phases, demo=demo, echo=click.echo, progress=progress)
    if ctx.passwords:
        click.echo("Generated demo passwords (shown once):")
        for login, password in ctx.passwords.items():
            click.echo(f"  {login}: {password}")
    return ctx


@click.group(invoke_without_command=True)
@click.pass_context
def cli(ctx):
    """Run QuteCat. Without a subcommand: the all-in-one embedded platform."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


@cli.command()
def run():
    """Migrate, seed every phase, start the worker thread and serve HTTP (embedded default)."""
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
    from socketserver import ThreadingMixIn

    from kernel import config, queue

    platform = _platform()
    _migrate(platform, quiet=True)
    _seed(platform, ("essential", "demo", "branding"), demo=False)
    settings = config.settings
    consumer = None
    if not settings.redis_url and not os.environ.get("QUTECAT_HUEY_IMMEDIATE"):
        consumer = queue.start_consumer_thread()

    class Server(ThreadingMixIn, WSGIServer):
        """Closing waits for the requests in flight (``block_on_close``), so none is cut off mid-transaction."""

        daemon_threads = False

    class QuietHandler(WSGIRequestHandler):
        # A client silent this long is dropped: stopping waits for every connection's thread,
        # and one that never sends its request would otherwise hold the stop forever.
        timeout = 10

        def log_message(self, *args):
            pass

    httpd = make_server("0.0.0.0", settings.port, platform.app, server_class=Server, handler_class=QuietHandler)
    base = f"http://{settings.base_domain}:{settings.port}"
    click.echo(f"QuteCat is running at {base}/api (marketplace)")
    click.echo(f"  shop storefronts: http://<slug>.{settings.base_domain}:{settings.port}/api")
    click.echo(f"  OpenAPI: {base}/api/openapi.json   health: {base}/healthz")
    click.echo(f"  mail is written to {settings.var_dir / 'mail'}")
    if not settings.is_production:
        click.echo("Demo logins (password: secret):")
        for login in ("root@qutekart.com", "shop@qutekart.com", "rider@qutekart.com", "customer@qutekart.com (phone 01700000000)"):
            click.echo(f"  {login}")
    _interrupt_on(signal.SIGINT, signal.SIGTERM)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
        if consumer is not None:
            consumer.stop(graceful=True)


def _interrupt_on(*signums) -> None:
    """Make each signal stop the server like Ctrl-C, whatever the parent left (a shell's background job ignores SIGINT).

    The server then stops taking requests, lets those in flight and the
    worker threads' current tasks finish, and exits; no thread is left
    mid-write to the database when the interpreter goes down.
    """

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    for signum in signums:
        signal.signal(signum, interrupt)


@cli.command()
def migrate():
    """Apply every missing migration (idempotent)."""
    count = _migrate(_platform())
    click.echo(f"{count} migration(s) applied.")


@cli.command()
@click.option("--phase", type=click.Choice(["essential", "demo", "branding"]), multiple=True,
              help="Seed only these phases (default: all).")
@click.option("--demo", is_flag=True, help="Allow demo data in production (with generated passwords).")
def seed(phase, demo):
    """Seed data, phase by phase; re-running changes no row."""
    platform = _platform()
    _migrate(platform, quiet=True)
    _seed(platform, phase or ("essential", "demo", "branding"), demo)
    click.echo("Seeding done.")


@cli.command()
def plugins():
    """List plugins: name, version, state, features, hooks and why any was skipped."""
    platform = _platform()
    for row in platform.host.describe():
        click.echo(f"{row['name']} {row['version']} [{row['state']}]")
        if row["features"]:
            click.echo(f"    features: {', '.join(row['features'])}")
        if row["depends"]:
            click.echo(f"    depends: {', '.join(row['depends'])}")
        if row["hooks"]:
            click.echo(f"    hooks: {', '.join(row['hooks'])}")
        if row["reason"]:
            click.echo(f"    skipped: {row['reason']}")


@cli.command()
@click.option("--workers", default=2, show_default=True)
def worker(workers):
    """Run a huey consumer (any number may run)."""
    from kernel import queue

    _platform()
    consumer = queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.run()


if __name__ == "__main__":
    cli()
