"""`stance serve`: the HTTP API and the page."""

from __future__ import annotations

from stance_cli.options import add_command


def register(commands) -> None:
    p = add_command(commands, "serve", "serve the HTTP API and the page",
                    "Serve the HTTP API; every setting is also read from STANCE_* environment variables.")
    p.add_argument("--checkpoint", help="the checkpoint served while the registry has none (overrides STANCE_CHECKPOINT)")
    p.add_argument("--host", help="address to listen on (overrides STANCE_HOST, default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (overrides STANCE_PORT, default 8000)")
    p.set_defaults(handler=run)


def run(args, extra) -> int:
    from serving.app import run as serve

    overrides = {k: v for k, v in (("checkpoint", args.checkpoint), ("host", args.host), ("port", args.port)) if v}
    serve(**overrides)
    return 0
