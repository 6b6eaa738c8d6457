"""GraphQL schema of the reading-rooms plugin."""
