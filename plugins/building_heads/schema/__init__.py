"""GraphQL of the building-head plugin: ``types`` (every strawberry type), ``queries``,
``mutations``, ``subscriptions`` (the fields, in schema order), ``nodes`` (``node(id:)``
loaders) and ``common`` (the runner and helpers they share). Type names are prefixed
``BuildingHead``/``BuildingHeads``."""
