"""Profile the pages of bench/pages.py in-process with pyinstrument (pip install -r requirements-bench.txt).

    .venv/bin/python bench/profile_pages.py [--requests 200] [--page lesson] [--html out.html]
                                            [--without LAYER ...]

Builds the same stack as bench/pages.py (production settings, PostgreSQL, Redis cache) without
gunicorn, sends the requests through Django's test client and prints, per page, the queries of
one request and pyinstrument's call tree of all of them. `--without LAYER` switches cache layers
off (core/caching.py), as CACHE_LAYERS_OFF does; `--compare LAYER` times each page with and without
the layer instead, alternating batches in one process (figures that the machine's load moves less
than two servers measured one after the other).
"""

import argparse
import itertools
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stack import Stack  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="requests per page (default 200)")
    parser.add_argument("--page", action="append", help="only this page (repeatable); default: all")
    parser.add_argument("--html", help="also write pyinstrument's HTML report of the last page here")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request")
    parser.add_argument("--all", action="store_true", help="show library frames in the call tree too")
    parser.add_argument("--flat", action="store_true", help="a flat list of functions by total time instead of a tree")
    parser.add_argument("--without", action="append", default=[], help="switch this cache layer off (repeatable)")
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        help="instead of profiling, time each page with and without this cache layer, alternating (repeatable)",
    )
    args = parser.parse_args()
    if args.without:
        os.environ["CACHE_LAYERS_OFF"] = ",".join(args.without)

    from pyinstrument import Profiler

    stack = Stack("profile")
    try:
        stack.setup()
        import pages as pages_bench
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        for name, paths, cookies, _expected in pages_bench.prepare():
            if args.page and name not in args.page:
                continue
            client = Client(HTTP_HOST="127.0.0.1")
            for key, value in (cookies or {}).items():
                client.cookies[key] = value
            # A list of paths ("lessons in turn") is requested one after the other, round and round.
            turn = itertools.cycle([paths] if isinstance(paths, str) else paths)
            path = paths if isinstance(paths, str) else f"{len(paths)} paths in turn"
            for _ in range(max(5, len(paths) + 1 if isinstance(paths, list) else 5)):  # warm up
                url = next(turn)
                assert client.get(url).status_code == 200, (name, url)
            if args.compare:
                compare(name, client, turn, args.compare, args.requests)
                continue
            with CaptureQueriesContext(connection) as queries:
                client.get(next(turn))
            captured = list(queries.captured_queries)  # the next requests reset the connection's log
            start = time.perf_counter()
            for _ in range(args.requests):
                client.get(next(turn))
            elapsed = (time.perf_counter() - start) / args.requests
            print(f"=== {name} {path}: {elapsed * 1000:.2f} ms per request (unprofiled), {len(captured)} queries")
            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(args.requests):
                client.get(next(turn))
            profiler.stop()
            if args.sql:
                for query in captured:  # Django's time of each query, in milliseconds
                    print(f"    {float(query['time']) * 1000:6.2f} ms  {query['sql'][:300]}")
            if args.flat:
                from pyinstrument.renderers import ConsoleRenderer

                renderer = ConsoleRenderer(flat=True, flat_time="total", show_all=True)
                print("\n".join(profiler.output(renderer).splitlines()[:130]))
            else:
                print(profiler.output_text(unicode=True, color=False, show_all=args.all))
            if args.html:
                Path(args.html).write_text(profiler.output_html())
    finally:
        stack.teardown()
    return 0


def compare(name, client, turn, layers, requests, batches=10) -> None:
    """Print the ms per request of the page with every layer on and with each of `layers` off, in
    batches that alternate within this one process (so the machine's load falls on both alike)."""
    from django.conf import settings

    size = max(1, requests // batches)
    for layer in layers:
        times = {"on": [], "off": []}
        for _ in range(batches):
            for state in ("on", "off"):
                settings.MASAR_CACHE_LAYERS_OFF = [layer] if state == "off" else []
                client.get(next(turn))  # the first request after a switch fills what the layer keeps
                start = time.perf_counter()
                for _ in range(size):
                    client.get(next(turn))
                times[state].append((time.perf_counter() - start) / size * 1000)
        settings.MASAR_CACHE_LAYERS_OFF = []
        on, off = statistics.median(times["on"]), statistics.median(times["off"])
        print(f"{name:<17} {layer:<18} on {on:6.2f} ms   off {off:6.2f} ms   gain {off / on:5.2f}x")


if __name__ == "__main__":
    sys.exit(main())
