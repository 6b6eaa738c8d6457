"""GraphQL of 红邻菜单 (types, queries, mutations, node loaders); names prefixed ``MutualAid``."""
