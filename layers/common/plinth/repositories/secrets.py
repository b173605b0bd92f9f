"""The cursor-signing key, from Secrets Manager through Powertools Parameters (cached)."""

from __future__ import annotations

import hashlib
from functools import cache

from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

from plinth.errors import DependencyUnavailable
from plinth.repositories.aws import CLIENT_CONFIG

_CACHE_SECONDS = 3600


@cache
def secrets_provider() -> SecretsProvider:
    """Powertools' provider (and its cache) with our client config: bounded, standard-mode
    retries and short timeouts, like every other client in a request."""
    return SecretsProvider(boto_config=CLIENT_CONFIG)


def cursor_signing_key(secret_arn: str) -> bytes:
    try:
        secret = secrets_provider().get(secret_arn, max_age=_CACHE_SECONDS)
    except GetParameterError as exc:
        raise DependencyUnavailable("A dependency is unavailable; retry shortly.") from exc
    material = secret if isinstance(secret, bytes) else str(secret).encode()
    # A fixed-size HMAC key whatever the secret's length or encoding.
    return hashlib.sha256(b"plinth-cursor-v1\x00" + material).digest()
