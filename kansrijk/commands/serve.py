"""`kansrijk serve`: the workbench, a web app for advisers, on this computer or, with a password,
for others on the network."""

from __future__ import annotations

import os

import click

from kansrijk.commands.common import LANG

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")  # reachable from this computer only
PASSWORD_ENV = "KANSRIJK_PASSWORD"
SECRET_ENV = "KANSRIJK_SECRET"  # signs the session cookie; random per process when unset
DB_HELP = ("The database: a URL such as sqlite:////path/to/kansrijk.sqlite3 or postgresql://user@host/db. "
           "Default: $KANSRIJK_DB, else kansrijk.sqlite3 in your data folder.")


def read_password(password_file: str | None) -> str | None:
    """The password from --password-file (its first line) or else $KANSRIJK_PASSWORD; None when
    neither is given. There is never a default password."""
    from kansrijk.errors import InputError, Msg, Problem

    if password_file is not None:
        with open(password_file, encoding="utf-8") as file:
            lines = file.read().splitlines()
        password, where = (lines[0] if lines else ""), password_file
    elif PASSWORD_ENV in os.environ:
        password, where = os.environ[PASSWORD_ENV], PASSWORD_ENV
    else:
        return None
    if not password.strip():
        raise InputError(where, [Problem("", Msg("serve.empty_password"), allowed=Msg("serve.password_allowed"))])
    return password


@click.command()
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Any other than 127.0.0.1, localhost or ::1 needs a password.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="The port to listen on.")
@click.option("--password-file", type=click.Path(dir_okay=False), metavar="FILE",
              help=f"A file whose first line is the password (else ${PASSWORD_ENV}). With a password every "
                   "page needs a login.")
@click.option("--open", "open_browser", is_flag=True, help="Open the workbench in the web browser.")
@click.option("--lang", type=LANG, help="Language of the messages here; default: $KANSRIJK_LANG, else English. "
                                         "The pages have their own switch.")
def serve(db: str | None, host: str, port: int, password_file: str | None, open_browser: bool,
          lang: str | None) -> None:
    """Start the workbench: collaborations and their dated assessments in a database, the advice
    with why and what-if, their history, and the causal graph to learn from, in the browser.

    It listens on 127.0.0.1 (this computer only) unless --host says otherwise; on any other address
    it refuses to start without a password, from $KANSRIJK_PASSWORD or --password-file, and then
    every page needs a login. The session cookie is signed with $KANSRIJK_SECRET, else with a
    key made when it starts (a restart then logs everyone out). Ctrl+C stops it.

    \b
    Example:
      kansrijk serve --open
      kansrijk serve --db postgresql://adviseur@dbserver/kansrijk
      KANSRIJK_PASSWORD=... kansrijk serve --host 0.0.0.0 --port 8080
    """
    from kansrijk.errors import InputError, Msg, Problem, error_language
    from kansrijk.escape import plain_text

    lang = lang or error_language(click.get_current_context())
    password = read_password(password_file)
    if password is None and host not in LOCAL_HOSTS:
        raise InputError("--host", [Problem("", Msg("serve.needs_password", host=host),
                                            allowed=Msg("serve.password_allowed"))])

    import logging
    import threading
    import webbrowser

    import uvicorn

    from kansrijk.store import open_store
    from kansrijk.web.app import create_app
    from kansrijk.web.security import hash_password

    store = open_store(db)
    app = create_app(store, password_hash=hash_password(password) if password else None,
                     secret_key=os.environ.get(SECRET_ENV) or None)
    del password  # only its hash is kept
    address = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
    login = Msg("serve.login") if app.state.password_hash else ""
    click.echo(plain_text(Msg("serve.started", db=store.url, address=address, login=login).render(lang)))
    # the trace of an error on a page goes here (the page shows only its id)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, [address]).start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        store.close()
