"""The model a local command talks to, and what the in-process handlers need to reach it.

`snaplist run`, `serve`, `eval` and `bench` name a provider the same way: `--provider NAME`, else
the domain's resolution (SNAPLIST_PROVIDER; `custom` when SNAPLIST_BASE_URL is set; else
`offline`). Two names exist only here: `offline` starts the packaged model server on loopback,
and `instant` a loopback server that answers at once (for measuring the pipeline alone).
Problems surface before the stack starts, as one line naming what to set.
"""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from snaplist.domain.errors import ConfigurationError
from snaplist.domain.providers import (
    API_KEY_VARIABLE,
    ProviderSettings,
    api_key_from_env,
    resolve_provider_settings,
)
from snaplist_local.stack import StackOptions

if TYPE_CHECKING:
    from snaplist_local.offline.server import ServerHandle

INSTANT = "instant"
OFFLINE = "offline"

# The user's own settings that the handlers' provider resolution reads (docs/contracts.md).
PASSED_TO_HANDLERS = (
    "SNAPLIST_BASE_URL",
    "SNAPLIST_MODEL",
    "SNAPLIST_OFFLINE_PORT",
    "SNAPLIST_MODEL_TIMEOUT_SECONDS",
    "SNAPLIST_RESPONSE_FORMAT",
    "SNAPLIST_SUPPORTS_DETAIL",
    "SNAPLIST_INPUT_USD_PER_MILLION",
    "SNAPLIST_OUTPUT_USD_PER_MILLION",
    "SNAPLIST_CONFIDENCE_THRESHOLD",
)

Progress = Callable[[str], None]


class ProviderUnavailable(Exception):
    """The provider cannot be used here: unknown, no key, or its local server did not start."""


@dataclass
class LocalProvider:
    name: str
    settings: ProviderSettings
    # Variables the handlers run with, on top of the template's.
    environment: dict[str, str] = field(default_factory=dict)
    api_key: str | None = None

    def stack_options(self) -> StackOptions:
        # The template's Provider parameter only allows the deployable providers; locally the
        # handlers' SNAPLIST_PROVIDER is overridden instead. Without a key there is no SSM
        # parameter to read it from.
        overrides = {} if self.api_key else {"ApiKeyParameterName": ""}
        return StackOptions(
            parameter_overrides=overrides, environment=self.environment, api_key=self.api_key
        )


@contextmanager
def open_provider(name: str | None, progress: Progress | None = None) -> Iterator[LocalProvider]:
    """The provider, checked and, when it is local, started for as long as the block runs."""
    environment = {key: os.environ[key] for key in PASSED_TO_HANDLERS if key in os.environ}
    if name == INSTANT:
        with _instant(environment) as provider:
            yield provider
        return

    if name:
        environment["SNAPLIST_PROVIDER"] = name
    elif os.environ.get("SNAPLIST_PROVIDER"):
        environment["SNAPLIST_PROVIDER"] = os.environ["SNAPLIST_PROVIDER"]
    settings = _settings(environment)
    environment["SNAPLIST_PROVIDER"] = settings.name
    if settings.name != OFFLINE:
        api_key = api_key_from_env()
        if settings.requires_key and not api_key:
            raise ProviderUnavailable(
                f"provider {settings.name} needs an API key: set {API_KEY_VARIABLE}"
            )
        yield LocalProvider(settings.name, settings, environment, api_key)
        return

    port = offline_port()
    if progress:
        shared = f"looking for the offline model on 127.0.0.1:{port}"
        progress("starting the offline model" if port is None else shared)
    handle = _start_offline(port)
    environment["SNAPLIST_OFFLINE_PORT"] = str(handle.port)
    if progress:
        progress(f"offline model ready on 127.0.0.1:{handle.port}")
    try:
        yield LocalProvider(OFFLINE, _settings(environment), environment)
    finally:
        handle.stop()


def offline_port() -> int | None:
    """The port SNAPLIST_OFFLINE_PORT names, to share a model already served there; else None."""
    raw = os.environ.get("SNAPLIST_OFFLINE_PORT")
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ProviderUnavailable(f"SNAPLIST_OFFLINE_PORT must be a port number, got {raw!r}")
    return int(raw)


def _settings(environment: dict[str, str]) -> ProviderSettings:
    try:
        return resolve_provider_settings(environment)
    except ConfigurationError as error:
        raise ProviderUnavailable(str(error)) from error


@contextmanager
def _instant(environment: dict[str, str]) -> Iterator[LocalProvider]:
    # Imported late, like the offline model: only the commands that ask for it load it.
    from snaplist_local.evaluation.instant_provider import MODEL_ID, InstantProvider

    with InstantProvider() as server:
        environment.update(
            {
                "SNAPLIST_PROVIDER": "custom",
                "SNAPLIST_BASE_URL": server.base_url,
                "SNAPLIST_MODEL": MODEL_ID,
                "SNAPLIST_RESPONSE_FORMAT": "json_schema",
            }
        )
        yield LocalProvider(INSTANT, _settings(environment), environment)


def _start_offline(port: int | None) -> "ServerHandle":
    """A model of this command's own on a free port, or the one shared on the port named.

    A private port by default, so two commands at once never lean on each other's server.
    """
    # The offline model's packages (torch, OCR) load only when it is asked for.
    from snaplist_local.offline.server import ensure_running, start_background

    try:
        return start_background(0) if port is None else ensure_running(port)
    except (OSError, TimeoutError) as error:
        where = "a free port" if port is None else f"port {port}"
        raise ProviderUnavailable(f"the offline model did not start on {where}: {error}") from error
