"""Accounts, credentials, tokens, roles, permissions, memberships and API keys."""
