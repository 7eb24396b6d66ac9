"""What every Masar app uses and nothing of Masar's own: the shared cache, dates and digits in
the reader's language, the database notifications listener, URL converters, middleware and
the `masar` template tags. It imports no Masar app (ARCHITECTURE.md)."""
