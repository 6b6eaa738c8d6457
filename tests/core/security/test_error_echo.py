"""Security review: neither GraphQL errors nor the JSON logs carry personal data or secrets the
caller sent (an ID number, a phone, a password in variables that fail coercion)."""

from __future__ import annotations

import io
import json
import logging

from core.logging import JsonFormatter, redact

ID_NUMBER = "110101195003010012"
PHONE = "13800138000"
PASSWORD = "s3cret-Passw0rd!"
CREATE = """mutation($input: CreateResidentInput!) { createResident(input: $input) {
  __typename ... on UserError { code field } } }"""
LOGIN = """mutation($input: LoginInput!) { login(input: $input) { __typename } }"""


async def _logged(gql, *calls):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        outs = [await gql(query, variables, **kw) for query, variables, kw in calls]
    finally:
        root.removeHandler(handler)
    return outs, stream.getvalue()


async def test_invalid_variables_echo_nothing_personal(gql, factory):
    node = await factory.tenant()
    admin = await factory.account(node, "tenant_admin")
    ask = {"token": admin.token, "node": node.code}
    calls = [
        (CREATE, {"input": {"name": "张三", "idNumber": ID_NUMBER, "phone": PHONE, "bogus": 1}}, ask),
        (CREATE, {"input": {"name": "张三", "idNumber": ID_NUMBER, "phone": PHONE,
                            "householdId": 7}}, ask),
        (CREATE, {"input": [ID_NUMBER, PHONE]}, ask),
        (LOGIN, {"input": {"username": "nobody", "password": PASSWORD, "bogus": True}}, {}),
        (LOGIN, {"input": {"username": "nobody", "password": [PASSWORD]}}, {}),
    ]
    outs, logs = await _logged(gql, *calls)
    for out in outs:
        text = json.dumps(out, ensure_ascii=False)
        assert ID_NUMBER not in text and PHONE not in text and PASSWORD not in text, text
    assert ID_NUMBER not in logs and PHONE not in logs and PASSWORD not in logs, logs
    for line in logs.splitlines():
        json.loads(line)  # still one JSON object per line


def test_redact_masks_personal_data_and_secrets():
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcDEF123_-"
    text = (f"id {ID_NUMBER} phone:{PHONE} Authorization: Bearer abc.def-123 {jwt} "
            "key lk_0123456789ab_ABCDEFGHIJKLMNOPQRSTUV\nExpected a String. Found: {'password': "
            "'x'}.\nnext line")
    out = redact(text)
    for secret in (ID_NUMBER, PHONE, "abc.def-123", jwt, "ABCDEFGHIJKLMNOPQRSTUV", "'password'"):
        assert secret not in out, out
    assert out.endswith("Found: <redacted>.\nnext line"), out
    # request ids, times and counts stay readable
    kept = "request 3f2a13800138000ab duration 1380013800.5 at 2026-11-23T06:13:16.001"
    assert redact(kept) == kept
