"""bench/queries.py in small: every main page issues the same queries with more content."""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

SMALL = {"extra_courses": 0, "modules": 1, "lessons": 2, "questions": 3, "bank": 3, "cards": 2, "trainees": 2}
LARGE = {"extra_courses": 2, "modules": 3, "lessons": 4, "questions": 12, "bank": 12, "cards": 8, "trainees": 12}


def _bench_queries():
    path = Path(settings.BASE_DIR) / "bench" / "queries.py"
    spec = importlib.util.spec_from_file_location("bench_queries", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_main_page_has_a_fixed_query_count():
    bench = _bench_queries()
    small = bench.count(bench.build("small", SMALL))
    large = bench.count(bench.build("large", LARGE))
    assert small.keys() == large.keys() and len(small) == 15
    differ = {name: (small[name][0], large[name][0]) for name in small if small[name][0] != large[name][0]}
    assert not differ
    # The content version alone: read from the database inside the test's transaction (and on
    # SQLite); a PostgreSQL process outside a transaction knows it from the notifications.
    assert small["catalog (anonymous, cached)"][0] == 1
