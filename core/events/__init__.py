"""Domain events: ``types`` is the catalogue (typed, versioned payloads), ``service`` writes the
outbox (``emit``), ``dispatch`` delivers to plugins' ``linli_on_event``, ``cli`` is
``linli events``."""
