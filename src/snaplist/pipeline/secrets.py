"""The provider API key, read through Powertools Parameters and cached for max_age seconds.

`SNAPLIST_API_KEY_PARAMETER` names an SSM SecureString (`/snaplist/dev/provider-api-key`) or,
with a `secretsmanager:` prefix, a Secrets Manager secret. Only when no name is configured, as
in local development, is a `SNAPLIST_API_KEY` environment value used directly.
"""

import os

from aws_lambda_powertools.utilities import parameters
from botocore.exceptions import ClientError

from snaplist.domain.errors import ConfigurationError
from snaplist.pipeline.settings import PipelineSettings

SECRETS_MANAGER_PREFIX = "secretsmanager:"
# Codes that no retry fixes; anything else (throttling, a network blip) is raised as it is.
PERMANENT_CODES = {"ParameterNotFound", "ResourceNotFoundException", "AccessDeniedException"}


def load_api_key(settings: PipelineSettings) -> str | None:
    name = settings.api_key_parameter.strip()
    if not name:
        return os.environ.get("SNAPLIST_API_KEY") or None

    max_age = settings.parameters_max_age_seconds
    try:
        if name.startswith(SECRETS_MANAGER_PREFIX):
            value = parameters.get_secret(name[len(SECRETS_MANAGER_PREFIX) :], max_age=max_age)
        else:
            value = parameters.get_parameter(name, decrypt=True, max_age=max_age)
    except parameters.exceptions.GetParameterError as error:
        # Powertools wraps the boto error without chaining it; the original is the context.
        original = error.__context__
        if isinstance(original, ClientError):
            code = original.response.get("Error", {}).get("Code", "")
            if code not in PERMANENT_CODES:
                raise original from None
        # The message names the parameter, never its value.
        raise ConfigurationError(f"cannot read the API key parameter {name}: {error}") from error
    return str(value) if value else None
