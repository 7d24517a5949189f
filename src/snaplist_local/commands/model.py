"""`snaplist model serve`: run the offline vision model as an OpenAI-compatible server."""

import argparse
import logging


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("model", help="run the embedded offline vision model")
    actions = parser.add_subparsers(dest="model_command", required=True, metavar="ACTION")
    serve = actions.add_parser("serve", help="serve the OpenAI chat-completions API on loopback")
    serve.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    serve.add_argument(
        "--host", default="127.0.0.1", choices=["127.0.0.1"], help="loopback only (no auth)"
    )
    serve.set_defaults(handler=serve_forever)


def serve_forever(args: argparse.Namespace) -> int:
    # Imported here so `snaplist --help` does not pay for loading torch.
    from snaplist_local.offline.server import make_server

    if not logging.getLogger("snaplist").handlers and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    print("snaplist offline model: loading models", flush=True)
    server = make_server(args.port, args.host)
    port = server.server_address[1]
    print(f"snaplist offline model: ready on http://127.0.0.1:{port}/v1", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0
