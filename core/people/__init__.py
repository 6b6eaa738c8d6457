"""Places and people (地点与居民): community/village → compound → building → unit → household →
resident, with grids covering buildings. Domain logic lives in ``services`` and ``queries``;
``schema`` translates it to GraphQL, ``excel`` and ``cli`` move residents in and out of sheets."""
