"""The cursor-signing key, from Secrets Manager through Powertools Parameters (cached)."""

from __future__ import annotations

import hashlib

from aws_lambda_powertools.utilities.parameters import get_secret
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

from plinth.errors import DependencyUnavailable

_CACHE_SECONDS = 3600


def cursor_signing_key(secret_arn: str) -> bytes:
    try:
        secret = get_secret(secret_arn, max_age=_CACHE_SECONDS)
    except GetParameterError as exc:
        raise DependencyUnavailable("A dependency is unavailable; retry shortly.") from exc
    material = secret if isinstance(secret, bytes) else str(secret).encode()
    # A fixed-size HMAC key whatever the secret's length or encoding.
    return hashlib.sha256(b"plinth-cursor-v1\x00" + material).digest()
