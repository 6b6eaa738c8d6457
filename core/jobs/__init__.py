"""Jobs and cron: ``specs`` declares them, ``service`` runs them on arq workers or in-process,
``cli`` is ``linli worker`` and ``linli jobs``."""
