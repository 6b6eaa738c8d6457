"""The chained audit trail: ``service`` records entries (model and service), ``chain`` numbers and
hashes them, ``retention`` purges old ones, ``schema`` is the GraphQL trail, ``cli`` is
``linli audit``."""
