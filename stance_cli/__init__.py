"""The `stance` command line: one module per command group, each a thin layer over the library."""

from stance_cli.main import main

__all__ = ["main"]
