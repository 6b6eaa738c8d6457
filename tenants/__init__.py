"""The tenant tree (regions and tenants), plugin enablement per node, and the Scope."""
