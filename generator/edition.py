"""The two editions of a site: public (what is withheld masked) and internal (shown, for review).

Named apart from withheld.py, which does the masking, so that the modules that only tell the
editions apart (the write stage, the up-to-date check) load without the parsers."""

PUBLIC, INTERNAL = "public", "internal"
EDITIONS = (PUBLIC, INTERNAL)
