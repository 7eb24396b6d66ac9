"""Pages benchmark: requests per second and latency of the main pages, as ratios to a bare view.

    .venv/bin/python bench/pages.py [--rounds 3] [--seconds 5] [--connections 4] [--page lesson]
                                    [--without LAYER ...]

Starts gunicorn (lms.settings.production, 2 worker processes) on PostgreSQL (a database of its
own, created and dropped here) with the Redis cache, loads the course content, then drives it
with wrk (Debian package `wrk`) on loopback. Each round measures, one after the other:

- bare: a constant view through the whole middleware stack (/bench/bare, mounted only when
  MASAR_BENCH is set), the ceiling of this stack on this machine;
- catalog: the anonymous course catalog (/en/);
- course: a course page for a logged-in, enrolled trainee;
- lesson: a lesson page for that trainee, read again (their progress comes from the cache);
- lessons in turn: the course's lessons one after the other, as a trainee moving on reads them
  (each view records the visit, so the next one reads the progress from the database);
- quiz question: the question page of the trainee's open quiz attempt;
- quiz detail: that quiz's page (its rules, the attempts left, the button to continue);
- quiz result: the result and review of another quiz the trainee submitted;
- my certificates: the trainee's certificate list: the layout of a logged-in page (session,
  user, menu permissions) and one small list;
- my learning: the trainee's courses with their progress and where to continue;
- HR dashboard: the dashboard of an HR member whose organization has 500 trainees;
- HR dashboard, 2,000 trainees: another organization's, 2,000 trainees of whom a third never
  started, each assigned 5 courses with due dates around today (issue 16; no target, reported);
- verify: the public verification page of a certificate.

`--without LAYER` (repeatable; the layers of core/caching.py) starts one more gunicorn per layer
on the same database and caches, with CACHE_LAYERS_OFF=LAYER, and measures each page on it right
after the same page with every layer on: the "gain" column is req/s with the layer over req/s
without it, side by side.

Ratios are taken within a round (pages side by side with the bare view) and the median over
the rounds is reported. Exits non-zero if a target (TARGETS, issue 13) is missed or a request
fails.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stack import ROOT, Stack, request, session_cookie  # noqa: E402

TARGETS = {
    "catalog": 0.80,
    "course": 0.30,
    "lesson": 0.30,
    "lessons in turn": 0.20,
    "quiz question": 0.25,
    "quiz detail": 0.15,
    "quiz result": 0.15,
    "my certificates": 0.15,
    "my learning": 0.15,
    "HR dashboard": 0.15,
}
HR_TRAINEES = 500
LUA = ROOT / "bench" / "wrk_report.lua"


def prepare():
    """Create an enrolled trainee half-way through the first course with an open quiz attempt;
    return the pages to measure as (name, path, cookies, text the page must contain)."""
    from django.utils import timezone

    from accounts.models import Organization, User
    from courses import services as course_services
    from courses.models import CoursePage, Enrollment, LessonCompletion, LessonPage, ModulePage
    from quizzes import services as quiz_services
    from quizzes.models import Quiz
    from tests.certificates.factories import issued

    organization = Organization.objects.create(name="Bench organization")
    trainee = User.objects.create_user(
        username="bench-trainee",
        email="bench-trainee@example.com",
        name_latin="Bench Trainee",
        name_arabic="متدرب القياس",
        preferred_language="en",
        organization=organization,
        names_confirmed_at=timezone.now(),
    )
    courses = list(CoursePage.objects.live().filter(locale__language_code="en").order_by("path"))
    course = courses[0]
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    for lesson in lessons[:2]:
        course_services.lesson_complete(user=trainee, lesson=lesson)
    lesson = lessons[len(lessons) // 2]
    module = ModulePage.objects.live().child_of(course).filter(quiz__isnull=False).order_by("path").first()
    attempt = quiz_services.attempt_start(user=trainee, quiz=module.quiz)
    # Another quiz taken and submitted unanswered (a fail, so the course's progress is unchanged).
    other = (
        Quiz.objects.filter(locale__language_code="en", draft=False).exclude(pk=module.quiz_id).order_by("pk").first()
    )
    done = quiz_services.attempt_start(user=trainee, quiz=other)
    quiz_services.attempt_submit(attempt=done)
    certificate = issued(trainee, courses[-1], render=True)  # of another course: the first stays open

    hr = User.objects.create_user(
        username="bench-hr", email="bench-hr@example.com", role=User.Role.HR, organization=organization
    )
    colleagues = User.objects.bulk_create(
        User(
            username=f"bench-colleague-{i}",
            email=f"bench-colleague-{i}@example.com",
            name_latin=f"Colleague {i}",
            name_arabic="زميل",
            organization=organization,
        )
        for i in range(HR_TRAINEES - 1)
    )
    Enrollment.objects.bulk_create(Enrollment(user=user, course_key=course.translation_key) for user in colleagues)
    large_hr = _large_organization(courses)
    LessonCompletion.objects.bulk_create(
        LessonCompletion(user=user, course_key=course.translation_key, lesson_key=lessons[0].translation_key)
        for user in colleagues[::3]
    )
    cookies = session_cookie(trainee)
    return [
        ("bare", "/bench/bare", None, "ok"),
        ("catalog", "/en/", None, course.title),
        ("course", course.url, cookies, "Continue where you left off"),
        ("lesson", lesson.url, cookies, lesson.title),
        ("lessons in turn", [page.url for page in lessons], cookies, "progress-steps"),
        ("quiz question", f"/en/quizzes/attempts/{attempt.pk}/?q=1", cookies, "Question 1"),
        ("quiz detail", f"/en/quizzes/{module.quiz_id}/", cookies, "Continue the quiz"),
        ("quiz result", f"/en/quizzes/attempts/{done.pk}/result/", cookies, "Your result"),
        # The layout of a logged-in page and one small list: the floor of any logged-in page.
        ("my certificates", "/en/certificates/", cookies, "My certificates"),
        # Every course the trainee is enrolled in, with its progress and where to continue.
        ("my learning", "/en/learn/", cookies, "My learning"),
        ("HR dashboard", "/en/hr/", session_cookie(hr), "Bench organization"),
        ("HR dashboard, 2,000 trainees", "/en/hr/", session_cookie(large_hr), "Bench large organization"),
        ("verify", f"/verify/{certificate.code}/", None, "Bench Trainee"),
    ]


def _large_organization(courses, trainees: int = 2000):
    """An organization of `trainees` trainees, a third never started, each assigned every course
    (5 in the demo content) with due dates from a week ago to two weeks ahead; return its HR user."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Organization, User
    from courses.models import CourseAssignment, Enrollment

    organization = Organization.objects.create(name="Bench large organization")
    hr = User.objects.create_user(
        username="bench-hr-large", email="bench-hr-large@example.com", role=User.Role.HR, organization=organization
    )
    members = User.objects.bulk_create(
        (
            User(
                username=f"bench-large-{i}",
                email=f"bench-large-{i}@example.com",
                name_latin=f"Member {i}",
                name_arabic="عضو",
                organization=organization,
            )
            for i in range(trainees)
        ),
        batch_size=1000,
    )
    Enrollment.objects.bulk_create(
        (
            Enrollment(user=u, course_key=courses[i % len(courses)].translation_key)
            for i, u in enumerate(members)
            if i % 3
        ),
        batch_size=1000,
    )
    today = timezone.localdate()
    CourseAssignment.objects.bulk_create(
        (
            CourseAssignment(user=u, course_key=c.translation_key, due_on=today + timedelta(days=i % 21 - 7))
            for i, u in enumerate(members)
            for c in courses
        ),
        batch_size=1000,
    )
    # Planner statistics of the bulk-loaded tables, as autovacuum would have them a minute later: with
    # none, PostgreSQL estimates one trainee and nests loops over 10,000 assignments (the due-soon
    # list alone took 600 ms instead of 2).
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounts_user, courses_enrollment, courses_courseassignment")
    return hr


def check(port: int, pages) -> None:
    """Every page answers 200 with its text (and on every server: the same page whatever is cached)."""
    for name, paths, cookies, expected in pages:
        for path in [paths] if isinstance(paths, str) else paths:
            status, _headers, body = request("GET", port, path, cookies=cookies)
            text = body.decode("utf-8", "replace")
            if status != 200 or expected not in text:
                raise SystemExit(f"{name} ({path}) answered {status} without {expected!r}:\n{text[:500]}")


def wrk(port: int, paths: str | list[str], cookies, *, seconds: float, connections: int) -> dict:
    """Run wrk on one path, or on several requested in turn."""
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(LUA)]
    if cookies:
        argv += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    if isinstance(paths, str):
        argv.append(f"http://127.0.0.1:{port}{paths}")
    else:
        argv += [f"http://127.0.0.1:{port}/", "--", *paths]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRK-JSON "))
    result = json.loads(line.removeprefix("WRK-JSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of measurements (default 3)")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per page per round (default 5)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    parser.add_argument("--page", action="append", help="only this page and the bare view (repeatable)")
    parser.add_argument("--without", action="append", default=[], help="also measure with this cache layer off")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk")
        return 2

    def measure(port, path, cookies, seconds=args.seconds):
        return wrk(port, path, cookies, seconds=seconds, connections=args.connections)

    with Stack("pages", keep=args.keep) as stack:
        pages = [page for page in prepare() if not args.page or page[0] in ("bare", *args.page)]
        servers = {"": stack.port}
        for layer in args.without:
            servers[layer] = stack.add_server({"CACHE_LAYERS_OFF": layer}, name=layer)
        for port in servers.values():
            check(port, pages)
            for _name, path, cookies, _expected in pages:  # warm every worker's caches
                measure(port, path, cookies, seconds=1)
        rounds = []
        for _ in range(args.rounds):
            results = {}
            for name, path, cookies, _expected in pages:
                for layer, port in servers.items():
                    if name != "bare" or not layer:
                        results[(name, layer)] = measure(port, path, cookies)
            rounds.append(results)
        for port in servers.values():
            check(port, pages)  # still right after the load

    print(
        f"Pages benchmark: gunicorn 2 workers, production settings, PostgreSQL, Redis cache; "
        f"wrk {args.connections} connections, {args.rounds} rounds x {args.seconds:g} s per page; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print()
    header = f"{'page':<17}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'ratio to bare':>15}{'target':>9}  result"
    print(header + "".join(f"  without {layer}: ratio, gain" for layer in args.without))
    failed = False
    for name, *_rest in pages:
        runs = [r[(name, "")] for r in rounds]
        rps = statistics.median(run["rps"] for run in runs)
        p50 = statistics.median(run["p50"] for run in runs) / 1000
        p95 = statistics.median(run["p95"] for run in runs) / 1000
        ratio = statistics.median(r[(name, "")]["rps"] / r[("bare", "")]["rps"] for r in rounds)
        errors = sum(r[key]["socket_errors"] + r[key]["non_2xx_3xx"] for r in rounds for key in r if key[0] == name)
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            verdict = "OK" if ratio >= target else "MISSED"
            failed |= ratio < target
        if errors:
            verdict += f" {errors} errors"
            failed = True
        shown_target = f">= {target:.2f}" if target is not None else ""
        line = f"{name:<17}{rps:>9.0f}{p50:>9.1f}{p95:>9.1f}{ratio:>15.2f}{shown_target:>9}  {verdict:<6}"
        for layer in args.without if name != "bare" else ():
            without = statistics.median(r[(name, layer)]["rps"] / r[("bare", "")]["rps"] for r in rounds)
            gain = statistics.median(r[(name, "")]["rps"] / r[(name, layer)]["rps"] for r in rounds)
            line += f"  {without:>{len(layer) + 9}.2f}, {gain:.2f}x"
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
