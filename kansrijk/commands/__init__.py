"""The commands of the command line, one module per family; kansrijk/cli.py registers them by name
and none of them imports it back. What they share is in kansrijk/commands/common.py."""
