"""Rules as data: ``service`` holds rule keys and versioned per-node values, ``schema`` their
GraphQL."""
