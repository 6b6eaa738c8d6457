"""Per-person export and erasure of personal data (PIPL 个人信息保护法, arts. 45 and 47).

``service`` finds the person, asks core and every enabled plugin (``linli_personal_data``) for
their part, writes the export (JSON, .xlsx) or erases, and audits; ``schema`` holds the GraphQL
mutations, ``cli`` the ``linli person`` commands. Import from the submodules.
"""
