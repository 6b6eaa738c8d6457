"""Security review: a grant held at one tenant never covers an object of a sibling tenant, even
when the object's place is given without its node path."""

from __future__ import annotations

from core.identity.access import Access, Grant, PlaceRef, Principal
from tenants.scope import Scope


def _access() -> Access:
    admin_a = Grant(node_id=2, node_path="/1/2/", role="tenant_admin",
                    permissions=frozenset({"people.reveal_pii"}))
    official = Grant(node_id=1, node_path="/1/", role="region_official",
                     permissions=frozenset({"region.rollup"}))
    principal = Principal(account_id=9, name="x", grants=(admin_a, official))
    return Access(principal=principal, node_id=1, node_path="/1/",
                  scope=Scope(read_nodes=frozenset({1, 2, 3}), acting_node=1),
                  grants=(admin_a, official))


def test_a_grant_below_covers_only_its_own_node():
    access = _access()
    assert access.check("people.reveal_pii", PlaceRef(node_id=2, node_path="/1/2/"))
    assert not access.check("people.reveal_pii", PlaceRef(node_id=3, node_path="/1/3/"))
    assert not access.check("people.reveal_pii", PlaceRef(node_id=3))  # path not given
    assert not access.check("people.reveal_pii")  # the region itself
    assert access.check("region.rollup", PlaceRef(node_id=3))
    limit = access.limit("people.reveal_pii")
    assert limit is not None and limit.node_ids == frozenset({2})
    assert access.limit("region.rollup") is None
