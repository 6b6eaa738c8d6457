"""Notifications: ``service`` is the inbox and its delivery channels, ``schema`` its GraphQL."""
