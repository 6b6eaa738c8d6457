"""GraphQL of the canteen plugin: types, queries, mutations, node loaders, subscriptions."""
