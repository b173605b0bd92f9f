"""Default repositories for the handlers, built from settings on first use."""

from __future__ import annotations

from functools import cache

from plinth.repositories.api_keys import DynamoApiKeyRepository, DynamoWorkspaceRepository
from plinth.repositories.resources import DynamoResourceRepository
from plinth.repositories.secrets import cursor_signing_key
from plinth.settings import get_settings


@cache
def resource_repository() -> DynamoResourceRepository:
    return DynamoResourceRepository(get_settings().resources_table)


@cache
def api_key_repository() -> DynamoApiKeyRepository:
    return DynamoApiKeyRepository(get_settings().api_keys_table)


@cache
def workspace_repository() -> DynamoWorkspaceRepository:
    return DynamoWorkspaceRepository(get_settings().workspaces_table)


def signing_key() -> bytes:
    """Cached by Powertools Parameters (max_age), so rotation is picked up."""
    return cursor_signing_key(get_settings().cursor_secret_arn)
