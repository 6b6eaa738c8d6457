"""One naming convention over the whole schema (issue 8, item 10):

- the payload of mutation ``fooBar`` is ``FooBarPayload`` (the non-error member of its result
  union), one payload per mutation;
- every ``DateTime`` field ends in ``At`` and a creation time is ``createdAt``;
- every ``Date`` field ends in ``On`` (birth dates excepted: ``birthDate``);
- every id (a field ``id``, ``…Id`` or ``…Ids``) is a global ``ID``, never an ``Int`` or
  ``String`` (request ids are correlation strings, not object ids).

Fields of object, interface and input types are checked; arguments (``from:``, ``on:``) are not
fields. There are no exceptions: every built-in plugin follows the convention.
"""

from __future__ import annotations

import re

from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    get_named_type,
)

from core.schema.export import builtin_registry, schema_sdl


_ID_NAME = re.compile(r"(^id$|[a-z]Ids?$)")
# request ids and the ids of records kept outside Linli (a blood station's donation record)
_NOT_OBJECT_IDS = ("requestId", "clientRequestId", "externalId")


def _schema() -> GraphQLSchema:
    return build_schema(schema_sdl(builtin_registry()))


def violations(schema: GraphQLSchema) -> list[tuple[str, str]]:
    """``(type name to blame, what is wrong)`` for every break of the convention."""
    found: list[tuple[str, str]] = []
    mutation = schema.mutation_type
    assert mutation is not None
    for name, field in mutation.fields.items():
        want = name[0].upper() + name[1:] + "Payload"
        result = get_named_type(field.type)
        members = ([t.name for t in result.types if t.name != "UserError"]
                   if isinstance(result, GraphQLUnionType) else [result.name])
        if members != [want]:
            for member in members:
                found.append((member, f"mutation {name} returns {member}; name it {want}"))
    for type_name, gtype in schema.type_map.items():
        if type_name.startswith("__") or not isinstance(
                gtype, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            continue
        for field_name, field in gtype.fields.items():
            kind = get_named_type(field.type).name
            where = f"{type_name}.{field_name}: {kind}"
            if kind == "DateTime" and not field_name.endswith("At"):
                found.append((type_name, f"{where} (a timestamp ends in At)"))
            if kind == "DateTime" and "created" in field_name.lower() and field_name != "createdAt":
                found.append((type_name, f"{where} (a creation time is createdAt)"))
            if kind == "Date" and not field_name.endswith("On") and field_name != "birthDate":
                found.append((type_name, f"{where} (a date ends in On)"))
            if (_ID_NAME.search(field_name) and field_name not in _NOT_OBJECT_IDS
                    and kind != "ID"):
                found.append((type_name, f"{where} (an id is a global ID)"))
    return found


def test_the_whole_schema_follows_the_naming_convention() -> None:
    broken = [why for _, why in violations(_schema())]
    assert not broken, "\n".join(broken)


def test_the_check_catches_each_kind_of_break() -> None:
    schema = build_schema('''
        scalar DateTime
        scalar Date
        type UserError { code: String! }
        type Thing { id: Int! created: DateTime! day: Date! ownerId: String birthDate: Date }
        type AuthPayload { thing: Thing! }
        union LoginResult = AuthPayload | UserError
        type Query { thing: Thing }
        type Mutation { login: LoginResult! }
    ''')
    text = "\n".join(why for _, why in violations(schema))
    for expected in ("name it LoginPayload", "Thing.id: Int", "Thing.created: DateTime",
                     "Thing.day: Date", "Thing.ownerId: String"):
        assert expected in text, text
    assert "birthDate" not in text
