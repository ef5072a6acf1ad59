"""The workbench: the web face of kansrijk (`kansrijk serve`). Pages only present what the library
computes; `create_app` in kansrijk/web/app.py puts the app together."""
