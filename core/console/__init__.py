"""The web console at ``/console/``: a shell of plain ES modules on the public GraphQL API, with
pages contributed by core (:mod:`core.console.pages`) and by plugins (``linli_console_pages``).

Vue 3 (runtime-only build; templates are ``htm`` tagged templates bound to ``h``, so nothing is
compiled from strings and the CSP needs no ``'unsafe-eval'``), Element Plus with its zh-CN locale
and icons, ECharts and graphql-ws are vendored from the npm registry at pinned versions
(``linli console vendor`` / ``make vendor``; ``vendor/manifest.json`` records licences and
sha256). :mod:`core.console.web` serves it all, compressed, under a strict
Content-Security-Policy.
"""
