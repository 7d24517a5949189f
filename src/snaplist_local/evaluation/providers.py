"""Providers by name for eval and bench: what the handlers' environment must say to reach them.

`offline` is the packaged model server, `instant` the loopback server that answers at once,
anything else a provider the domain knows (SNAPLIST_PROVIDER values), which needs its API key.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from snaplist.domain.errors import ConfigurationError
from snaplist.domain.providers import (
    API_KEY_VARIABLE,
    DEFAULT_OFFLINE_PORT,
    ProviderSettings,
    api_key_from_env,
    resolve_provider_settings,
)
from snaplist_local.evaluation.instant_provider import MODEL_ID, InstantProvider

if TYPE_CHECKING:
    from snaplist_local.offline.server import ServerHandle

INSTANT = "instant"
OFFLINE = "offline"
# The user's own provider settings that a named remote or custom provider reads.
PASSED_THROUGH = (
    "SNAPLIST_BASE_URL",
    "SNAPLIST_MODEL",
    "SNAPLIST_MODEL_TIMEOUT_SECONDS",
    "SNAPLIST_RESPONSE_FORMAT",
    "SNAPLIST_SUPPORTS_DETAIL",
    "SNAPLIST_INPUT_USD_PER_MILLION",
    "SNAPLIST_OUTPUT_USD_PER_MILLION",
)


class ProviderUnavailable(Exception):
    """The named provider cannot be used here (unknown, no key, or it did not start)."""


@dataclass
class OpenProvider:
    name: str
    settings: ProviderSettings
    environment: dict[str, str] = field(default_factory=dict)
    api_key: str | None = None


@contextmanager
def open_provider(name: str) -> Iterator[OpenProvider]:
    """Start the provider if it is local, and say how the handlers reach it."""
    if name == INSTANT:
        with InstantProvider() as server:
            environment = {
                "SNAPLIST_PROVIDER": "custom",
                "SNAPLIST_BASE_URL": server.base_url,
                "SNAPLIST_MODEL": MODEL_ID,
                "SNAPLIST_RESPONSE_FORMAT": "json_schema",
            }
            yield OpenProvider(name, _settings(environment), environment)
        return
    if name == OFFLINE:
        port = int(os.environ.get("SNAPLIST_OFFLINE_PORT") or DEFAULT_OFFLINE_PORT)
        handle = _start_offline(port)
        environment = {"SNAPLIST_PROVIDER": OFFLINE, "SNAPLIST_OFFLINE_PORT": str(port)}
        try:
            yield OpenProvider(name, _settings(environment), environment)
        finally:
            handle.stop()
        return

    environment = {key: os.environ[key] for key in PASSED_THROUGH if key in os.environ}
    environment["SNAPLIST_PROVIDER"] = name
    settings = _settings(environment)
    api_key = api_key_from_env()
    if settings.requires_key and not api_key:
        raise ProviderUnavailable(f"provider {name} needs an API key: set {API_KEY_VARIABLE}")
    yield OpenProvider(name, settings, environment, api_key)


def _settings(environment: dict[str, str]) -> ProviderSettings:
    try:
        return resolve_provider_settings(environment)
    except ConfigurationError as error:
        raise ProviderUnavailable(str(error)) from error


def _start_offline(port: int) -> "ServerHandle":
    # Imported late: the offline model's packages load only when it is asked for.
    from snaplist_local.offline.server import ensure_running

    try:
        return ensure_running(port)
    except (OSError, TimeoutError) as error:
        message = f"the offline model did not start on port {port}: {error}"
        raise ProviderUnavailable(message) from error
