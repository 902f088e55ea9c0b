"""A phone number per user, for the allauth adapter (no migrations: created by syncdb)."""
