"""`kansrijk serve`: the workbench, a web app for advisers, on this computer or, with a password,
for others on the network."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kansrijk.commands.common import DB_HELP, LANG
from kansrijk.web import LOOPBACK_HOSTS

if TYPE_CHECKING:
    from kansrijk.web.security import EndedSessions

ANY_ADDRESS = ("0.0.0.0", "::", "")  # listening on every address of this computer
PASSWORD_ENV = "KANSRIJK_PASSWORD"
SECRET_ENV = "KANSRIJK_SECRET"  # signs the session cookie; else the key in KEY_FILE
KEY_FILE = "session.key"  # in the data folder: the same key from one start to the next
ENDED_FILE = "ended-sessions.json"  # beside it: the sessions logged out of


def read_password(password_file: str | None) -> str | None:
    """The password from --password-file (its first line) or else $KANSRIJK_PASSWORD; None when
    neither is given. There is never a default password."""
    from kansrijk.errors import InputError, Msg, Problem

    if password_file is not None:
        try:
            # utf-8-sig: a byte-order mark (Notepad writes one) is no part of the password
            with open(password_file, encoding="utf-8-sig") as file:
                lines = file.read().splitlines()
        except UnicodeDecodeError:
            raise InputError(password_file, [Problem("", Msg("not_utf8"), allowed=Msg("serve.password_file_allowed"))]) \
                from None
        password, where = (lines[0] if lines else ""), password_file
    elif PASSWORD_ENV in os.environ:
        password, where = os.environ[PASSWORD_ENV], PASSWORD_ENV
    else:
        return None
    if not password.strip():
        raise InputError(where, [Problem("", Msg("serve.empty_password"), allowed=Msg("serve.password_allowed"))])
    return password


def check_tls(certfile: str | None, keyfile: str | None) -> bool:
    """Whether to serve over TLS: both files given, readable, a certificate and its private key in PEM;
    neither given: no TLS. Anything else is bad input (exit code 2), said before anything starts."""
    import ssl

    from kansrijk.errors import InputError, Msg, Problem

    if certfile is None and keyfile is None:
        return False
    if certfile is None or keyfile is None:
        given = "--ssl-keyfile" if keyfile is None else "--ssl-certfile"  # the one missing
        raise InputError(given, [Problem("", Msg("serve.tls_pair"), allowed=Msg("serve.tls_allowed"))])
    for path in (certfile, keyfile):
        open(path, "rb").close()  # OSError, with the file's name: the command's 'cannot read' message
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
    except ssl.SSLError:
        raise InputError(f"{certfile}, {keyfile}", [Problem("", Msg("serve.tls_invalid"),
                                                            allowed=Msg("serve.tls_allowed"))]) from None
    return True


def session_secret(folder: Path) -> str:
    """$KANSRIJK_SECRET, else the key in folder's KEY_FILE, made there on the first start (readable
    by this user only). So a restart keeps every session, and every open form is still accepted.
    OSError when the file cannot be read or written, ValueError when it is not text."""
    import secrets

    from kansrijk.output import write_file

    secret = os.environ.get(SECRET_ENV)
    if secret:
        return secret
    path = folder / KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if not key:
        key = secrets.token_urlsafe(32)
        mask = os.umask(0o077)  # a new file gets what the umask allows: here 0600
        try:
            write_file(path, key + "\n")
        finally:
            os.umask(mask)
    return key


def session_keeping() -> tuple[str, EndedSessions]:
    """The key that signs the session cookie and the sessions logged out of, both kept in the data
    folder (store.database.data_folder) whatever database is used; a file there that cannot be
    used is bad input (exit code 2)."""
    from kansrijk.errors import InputError, Msg, Problem
    from kansrijk.store.database import data_folder
    from kansrijk.web.app import SESSION_HOURS
    from kansrijk.web.security import EndedSessions

    where = ""  # the file in hand; before that the folder, which the OSError names
    try:
        folder = data_folder()
        where = str(folder / KEY_FILE)
        secret = session_secret(folder)
        where = str(folder / ENDED_FILE)
        return secret, EndedSessions(SESSION_HOURS * 3600, path=folder / ENDED_FILE)
    except OSError as error:
        raise InputError(where or str(error.filename), [
            Problem("", Msg("serve.data_file_unusable", reason=error.strerror or str(error)),
                    allowed=Msg("serve.data_allowed"))]) from None
    except ValueError:  # not text, not JSON, not a list of sessions
        raise InputError(where, [Problem("", Msg("serve.data_file_not_ours"),
                                         allowed=Msg("serve.data_file_remove"))]) from None


def host_names(host: str, also: tuple[str, ...]) -> list[str]:
    """The names the workbench answers to: this computer's own, the address it listens on, the names
    given with --allow-host, and on every address (0.0.0.0, ::) this computer's name and addresses."""
    import socket

    names = [*LOOPBACK_HOSTS, host, *also]
    if host in ANY_ADDRESS:
        names += [socket.gethostname(), socket.getfqdn()]
        try:
            names += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)]
        except OSError:  # a computer whose name does not resolve: --allow-host names its addresses
            pass
    return list(dict.fromkeys(name.lower() for name in names if name))


def check_proxy(address: str | None) -> str | None:
    """--https-proxy as uvicorn takes it: an IP address or network; a clear message otherwise."""
    import ipaddress

    from kansrijk.errors import InputError, Msg, Problem

    if address is None:
        return None
    try:
        return str(ipaddress.ip_network(address.strip(), strict=False))
    except ValueError:
        raise InputError("--https-proxy", [Problem("", Msg("not_allowed", value=address),
                                                   allowed=Msg("serve.proxy_allowed"))]) from None


@click.command()
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Any other than 127.0.0.1, localhost or ::1 needs a password.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Another name or address the browser reaches the workbench by, such as a TLS proxy's "
                   "(repeatable). Requests naming any other host are refused.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="The port to listen on.")
@click.option("--password-file", type=click.Path(dir_okay=False), metavar="FILE",
              help=f"A file whose first line is the password (else ${PASSWORD_ENV}). With a password every "
                   "page needs a login.")
@click.option("--ssl-certfile", metavar="FILE", help="Serve over HTTPS with this certificate (PEM); with --ssl-keyfile.")
@click.option("--ssl-keyfile", metavar="FILE", help="The certificate's private key (PEM); with --ssl-certfile.")
@click.option("--https-proxy", metavar="ADDRESS",
              help="The address (or network) of an HTTPS proxy in front: its X-Forwarded-For and "
                   "X-Forwarded-Proto are trusted, so each browser is throttled on its own address, and the "
                   "session cookie is sent over HTTPS only.")
@click.option("--open", "open_browser", is_flag=True, help="Open the workbench in the web browser.")
@click.option("--lang", type=LANG, help="Language of the messages here; default: $KANSRIJK_LANG, else English. "
                                         "The pages have their own switch.")
def serve(db: str | None, host: str, allow_hosts: tuple[str, ...], port: int, password_file: str | None,
          ssl_certfile: str | None, ssl_keyfile: str | None, https_proxy: str | None, open_browser: bool,
          lang: str | None) -> None:
    """Start the workbench: collaborations and their dated assessments in a database, the advice
    with why and what-if, their history, and the causal graph to learn from, in the browser.

    It listens on 127.0.0.1 (this computer only) unless --host says otherwise; on any other address
    it refuses to start without a password, from $KANSRIJK_PASSWORD or --password-file, and then
    every page needs a login. The session cookie is signed with $KANSRIJK_SECRET, else with a
    key made on the first start and kept in session.key in your data folder (there too with --db
    elsewhere; $KANSRIJK_DATA_DIR names another folder), so after a restart everyone stays logged
    in and open forms are still accepted. Ctrl+C stops it.

    Without TLS the password travels over the network in clear text: give --ssl-certfile and
    --ssl-keyfile, or put a proxy that speaks HTTPS in front (name it with --allow-host and give
    its address with --https-proxy).
    It answers only to this computer's own names, the --host and the --allow-host names.

    \b
    Example:
      kansrijk serve --open
      kansrijk serve --db postgresql://adviseur@dbserver/kansrijk
      KANSRIJK_PASSWORD=... kansrijk serve --host 0.0.0.0 --port 8443 --ssl-certfile cert.pem --ssl-keyfile key.pem
    """
    from kansrijk.errors import InputError, Msg, Problem, error_language
    from kansrijk.escape import plain_text

    lang = lang or error_language(click.get_current_context())
    password = read_password(password_file)
    if password is None and host not in LOOPBACK_HOSTS:
        raise InputError("--host", [Problem("", Msg("serve.needs_password", host=host),
                                            allowed=Msg("serve.password_allowed"))])
    tls = check_tls(ssl_certfile, ssl_keyfile)
    proxy = check_proxy(https_proxy)

    import logging
    import threading
    import webbrowser

    import uvicorn

    from kansrijk.store import open_store
    from kansrijk.web.app import create_app
    from kansrijk.web.security import hash_password

    store = open_store(db)
    try:
        secret, ended = session_keeping()
    except InputError:
        store.close()
        raise
    hosts = host_names(host, allow_hosts)
    app = create_app(store, password_hash=hash_password(password) if password else None,
                     secret_key=secret, allowed_hosts=hosts, https_only=tls or proxy is not None,
                     ended_sessions=ended)
    del password  # only its hash is kept
    address = f"{'https' if tls else 'http'}://{f'[{host}]' if ':' in host else host}:{port}/"
    login = Msg("serve.login") if app.state.password_hash else ""
    click.echo(plain_text(Msg("serve.started", db=store.url, address=address, login=login).render(lang)))
    click.echo(plain_text(Msg("serve.hosts", hosts=", ".join(hosts)).render(lang)))
    if app.state.password_hash and not tls and proxy is None:
        click.echo(plain_text(Msg("serve.clear_password").render(lang)), err=True)
    # the trace of an error on a page goes here (the page shows only its id)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, [address]).start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="info",
                    # the client's address and scheme from the forwarded headers of this proxy only
                    # (without --https-proxy, uvicorn's default: a proxy on this computer)
                    forwarded_allow_ips=proxy,
                    **({"ssl_certfile": ssl_certfile, "ssl_keyfile": ssl_keyfile} if tls else {}))
    finally:
        store.close()
