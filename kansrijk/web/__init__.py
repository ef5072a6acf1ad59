"""The workbench: the web face of kansrijk (`kansrijk serve`). Pages only present what the library
computes; `create_app` in kansrijk/web/app.py puts the app together."""

# the names this computer alone reaches the workbench by: `serve` needs no password for them
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
