"""``linli demo``: ``places`` is the demo tenant tree, ``people`` invents residents, ``service``
seeds core and every plugin's demo data and can serve it."""
