"""`snaplist serve`: the listing form and the API on 127.0.0.1, the embedded stack behind them."""

from snaplist_local.serve.identity import DEV_SUBJECT, DEV_USER_HEADER, dev_claims
from snaplist_local.serve.server import LocalServer, ServeApp

__all__ = ["DEV_SUBJECT", "DEV_USER_HEADER", "LocalServer", "ServeApp", "dev_claims"]
