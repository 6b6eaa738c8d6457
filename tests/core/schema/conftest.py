"""A fresh app around a registry holding throwaway plugins (the session app is left alone)."""

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from core.app import AppState, create_app
from core.identity.roles import RoleBook
from core.registry import Registry
from core.schema.compose import build_schema
from core.testing import GraphQLClient


@pytest.fixture
async def plugin_gql(linli_env: Any) -> AsyncIterator[Callable[..., GraphQLClient]]:
    """``plugin_gql(*plugins)`` → a GraphQL client on an app whose registry has them."""
    clients: list[httpx.AsyncClient] = []

    def make(*plugins: object, settings: Any = None) -> GraphQLClient:
        registry = Registry()
        registry.load_entrypoints()
        for plugin in plugins:
            registry.register(plugin)
        registry.check()
        settings = settings or linli_env.settings
        state = AppState(settings=settings, db=linli_env.state.db, registry=registry,
                         rolebook=RoleBook.from_registry(registry),
                         schema=build_schema(registry, production=settings.is_production))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(
            app=create_app(state=state, manage_db=False)), base_url="http://test")
        clients.append(client)
        gql = GraphQLClient(client)
        gql.registry = registry  # type: ignore[attr-defined]
        return gql

    yield make
    for client in clients:
        await client.aclose()
