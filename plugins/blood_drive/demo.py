async def seed_demo(tenant_id: int) -> None:
    return None
