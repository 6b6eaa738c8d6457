"""GraphQL of the points supermarket (names prefixed ``PointsMarket``)."""
