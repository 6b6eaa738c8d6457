"""GraphQL of the building-head plugin: one module per area, gathered by queries.py,
mutations.py and subscriptions.py. Type names are prefixed ``BuildingHead``/``BuildingHeads``."""
