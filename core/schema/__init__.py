"""The GraphQL API: composition, context, relay nodes and connections, errors, limits."""
