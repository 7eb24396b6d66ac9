"""Load test: simulated trainees read lessons, take quizzes and practise interviews, then the database is checked.

    .venv/bin/python bench/loadtest.py [--trainees 200] [--seconds 60] [--wait 180] [--p95 500] [--think 1]
    .venv/bin/python bench/loadtest.py --smoke      # 10 trainees for 20 seconds

Bounded and loopback only: it starts gunicorn (lms.settings.production, 2 worker processes) on
PostgreSQL (a database of its own, created and dropped here), the Redis cache, and a Celery
worker (2 processes) on a Redis queue of its own, then runs one thread per trainee with
http.client until the time is up, and stops everything.

Each trainee takes the "Interview readiness" course in English: reads each lesson and marks it
done, takes the module quiz (one question per page; about one answer in ten is wrong, so some
fail and retake), and practises interview questions once the course is done. The first quiz
starts at the same moment for every trainee: all of them wait for the last one to finish the
first module's lessons, then send their start within the same second (a synchronised spike).

Two ways to run it. Without `--think` (the default) the trainees send each request the moment the
last one returns (a closed loop): a stress test, where every request waits for the ones ahead of
it, so the latency is about trainees / throughput. With `--think SECONDS`, each trainee pauses
before every request (a random pause from half to one and a half times SECONDS), as a person reads
a question before answering it, only faster than any person does; the first module's lessons are
then read before the clock starts, so the minute opens with the spike and leaves time to finish
the course.

Then it checks the database: every answer the server accepted (a redirect after the POST) is
stored as sent, every completed course has exactly one certificate, and every certificate
becomes ready (waiting at most --wait seconds for the worker). Targets (issue 13): 0 errors (a
status other than the expected one, or no answer), 0 lost answers, every certificate ready, the
quiz starts of the spike sent within one second, and the 95th percentile of all requests under
--p95 milliseconds (500). Exits non-zero if one is missed.
"""

import argparse
import os
import random
import re
import resource
import statistics
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stack import Stack, request, session_cookie  # noqa: E402

COURSE_SLUG = "interview-readiness"
TRAINEES = 200
P95_TARGET_MS = 500
SPIKE_WINDOW_SECONDS = 1.0
WRONG_ANSWER_SHARE = 0.1
PRACTICE_TEXT = "I plan the calendar, schedule posts with Buffer and report KPIs from Google Analytics every week."


@dataclass
class Plan:
    """What every trainee does: modules of (lessons as (pk, url), quiz pk), and the right answers."""

    modules: list
    right: dict  # question id -> posted values of the right answer
    lesson_urls: list


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: list = field(default_factory=list)
    quiz_answers: dict = field(default_factory=dict)  # (attempt id, question id) -> values
    practice_answers: dict = field(default_factory=dict)  # practice answer id -> text
    spike: list = field(default_factory=list)  # seconds each start of the spike took
    spike_sent: list = field(default_factory=list)  # when each was sent (time.monotonic())
    cpu_load: float = 0.0  # CPU seconds of the trainee threads during the load
    cpu_server: float = 0.0  # CPU seconds of gunicorn and the Celery worker, setup to stop

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


class Stop(Exception):
    """The time is up, or the trainee cannot go on."""


class Trainee(threading.Thread):
    def __init__(self, *, port, cookies, plan, stats, deadline, barrier, seed, think=0.0):
        super().__init__(daemon=True)
        self.port, self.cookies, self.plan, self.stats = port, dict(cookies), plan, stats
        self.deadline, self.barrier, self.random = deadline, barrier, random.Random(seed)
        self.think = think
        self.at_barrier = False

    # --- HTTP ------------------------------------------------------------------------

    def call(self, kind: str, method: str, path: str, *, form=None, expect=(200,), pause=True):
        if pause and self.think:
            time.sleep(min(self.random.uniform(0.5, 1.5) * self.think, max(self.deadline - time.monotonic(), 0)))
        if time.monotonic() > self.deadline:
            raise Stop
        headers = {}
        if method == "POST":
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        start = time.perf_counter()
        try:
            status, got, body = request(
                method, self.port, path, cookies=self.cookies, form=form, headers=headers, timeout=60
            )
        except OSError as error:
            self.stats.error(f"{method} {path}: {type(error).__name__}: {error}")
            raise Stop from error
        self.stats.record(kind, time.perf_counter() - start)
        for cookie in got.get("set-cookie", []):
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if status not in expect:
            self.stats.error(f"{method} {path}: {status} (expected {expect})")
            raise Stop
        return status, got.get("location", [""])[0], body.decode("utf-8", "replace")

    def get(self, kind, path, expect=(200,)):
        return self.call(kind, "GET", path, expect=expect)

    def post(self, kind, path, form=None, expect=(302,), pause=True):
        return self.call(kind, "POST", path, form=form or {}, expect=expect, pause=pause)

    # --- behaviour -------------------------------------------------------------------

    def run(self):
        try:
            self.get("my learning", "/en/learn/")  # also sets the CSRF cookie
            for number, (lessons, quiz_pk) in enumerate(self.plan.modules):
                # With pauses, the first module's lessons were read before the clock started.
                read_before = number == 0 and self.think
                for lesson_pk, url in [] if read_before else lessons:
                    self.get("lesson", url)
                    self.post("lesson done", f"/en/learn/lessons/{lesson_pk}/done/")
                if number == 0:
                    try:
                        self.barrier.wait(timeout=max(self.deadline - time.monotonic(), 0.1))
                    except threading.BrokenBarrierError:
                        pass
                    self.at_barrier = True
                spike = number == 0
                while not self.take_quiz(quiz_pk, spike=spike):
                    spike = False
            self.get("course", self.plan.lesson_urls[0].rsplit("/", 3)[0] + "/")
            while True:
                self.practise()
                self.get("lesson", self.random.choice(self.plan.lesson_urls))
        except Stop:
            pass
        finally:
            if not self.at_barrier:  # the others need not wait for this one
                self.barrier.abort()

    def take_quiz(self, quiz_pk: int, *, spike: bool) -> bool:
        sent = time.monotonic()
        start = time.perf_counter()
        _status, location, _body = self.post("quiz start", f"/en/quizzes/{quiz_pk}/start/", pause=not spike)
        if spike:
            with self.stats.lock:
                self.stats.spike.append(time.perf_counter() - start)
                self.stats.spike_sent.append(sent)
        attempt = int(re.search(r"/attempts/(\d+)/", location).group(1))
        take = f"/en/quizzes/attempts/{attempt}/"
        _status, _location, page = self.get("quiz question", take + "?q=1")
        positions = sorted({int(p) for p in re.findall(r'name="go" value="(\d+)" class="quiz-number"', page)})
        for position in positions:
            if position != 1:
                _status, _location, page = self.get("quiz question", f"{take}?q={position}")
            question = int(re.search(r'name="question" value="(\d+)"', page).group(1))
            options = re.findall(rf'name="q-{question}" value="([^"]+)"', page)
            values = self.plan.right[question]
            if self.random.random() < WRONG_ANSWER_SHARE:
                values = [self.random.choice([o for o in options if o not in values] or options)]
            form = {"position": position, "go": "next", "question": question, f"q-{question}": values}
            self.post("quiz answer", take, form)
            with self.stats.lock:
                self.stats.quiz_answers[(attempt, question)] = list(values)
        _status, location, _body = self.post("quiz submit", take + "submit/")
        _status, _location, result = self.get("quiz result", location)
        return 'class="badge ok"' in result

    def practise(self) -> None:
        _status, location, _body = self.post("practice start", "/en/interviews/practice/start/")
        for _ in range(3):
            found = re.search(r"/interviews/answers/(\d+)/$", location)
            if not found:
                return  # nothing due: the home page or the report
            answer = int(found.group(1))
            self.get("practice question", location)
            _status, location, _body = self.post("practice answer", f"{location}submit/", {"answer": PRACTICE_TEXT})
            with self.stats.lock:
                self.stats.practice_answers[answer] = PRACTICE_TEXT
            self.get("practice reveal", location)
            _status, location, _body = self.post(
                "practice rate", f"/en/interviews/answers/{answer}/rate/", {"rating": "good"}
            )


def prepare(port: int, trainees: int, *, first_module_read: bool = False):
    """Create the trainees and their sessions; return (plan, cookies per trainee, user ids). With
    `first_module_read`, each trainee has read and marked done the first module's lessons."""
    from django.utils import timezone

    from accounts.models import Organization, User
    from courses import services as course_services
    from courses.models import CoursePage, LessonPage, ModulePage
    from quizzes.models import Quiz, TrueFalseQuestion

    # The trainees retake a failed quiz at once: the test measures throughput, not the pause after
    # a run of attempts (quizzes.rules), which would refuse their fourth start of the day.
    Quiz.objects.update(attempts_per_period=0, cooldown_hours=0, attempts_allowed=0)
    course = CoursePage.objects.live().get(slug=COURSE_SLUG, locale__language_code="en")
    modules, right = [], {}
    for module in ModulePage.objects.live().child_of(course).select_related("quiz").order_by("path"):
        lessons = [(lesson.pk, lesson.url) for lesson in LessonPage.objects.live().child_of(module).order_by("path")]
        modules.append((lessons, module.quiz_id))
        for question in module.quiz.questions.all():
            if isinstance(question, TrueFalseQuestion):
                right[question.pk] = ["true" if question.correct_answer else "false"]
            else:
                right[question.pk] = [str(c.pk) for c in question.choices.all() if c.correct]
    plan = Plan(modules=modules, right=right, lesson_urls=[url for lessons, _ in modules for _, url in lessons])
    organization = Organization.objects.get(name="Demo Co")
    users = [
        User.objects.create_user(
            username=f"load-{i}",
            email=f"load-{i}@example.com",
            name_latin=f"Load Trainee {i}",
            name_arabic=f"متدرب الحمل {i}",
            preferred_language="en",
            organization=organization,
            names_confirmed_at=timezone.now(),
        )
        for i in range(trainees)
    ]
    if first_module_read:
        first = [LessonPage.objects.get(pk=pk) for pk, _url in modules[0][0]]
        for user in users:
            for lesson in first:
                course_services.lesson_complete(user=user, lesson=lesson)
    return plan, [session_cookie(user) for user in users], [user.pk for user in users]


def check(stats: Stats, user_ids: list[int], wait: float) -> dict:
    """Compare what the server accepted with the database; wait for the certificates."""
    from certificates.models import Certificate
    from courses.models import Enrollment
    from interviews.models import PracticeAnswer
    from quizzes.models import Answer

    lost = []
    responses = {
        (r.attempt_id, r.question_id): r
        for r in Answer.objects.filter(attempt_id__in={a for a, _q in stats.quiz_answers}).prefetch_related(
            "selected_choices"
        )
    }
    for (attempt, question), values in stats.quiz_answers.items():
        row = responses.get((attempt, question))
        if row is None or row.answered_at is None:
            lost.append((attempt, question))
        elif values in (["true"], ["false"]):
            if row.answer_bool is not (values == ["true"]):
                lost.append((attempt, question))
        elif {c.pk for c in row.selected_choices.all()} != {int(v) for v in values}:
            lost.append((attempt, question))
    stored = dict(PracticeAnswer.objects.filter(pk__in=stats.practice_answers).values_list("pk", "answer_text"))
    lost += [("practice", pk) for pk, text in stats.practice_answers.items() if stored.get(pk) != text]

    completed = list(
        Enrollment.objects.filter(user_id__in=user_ids, completed_at__isnull=False).values_list("user_id", "course_key")
    )
    wrong_count = [
        (user, key) for user, key in completed if Certificate.objects.filter(user_id=user, course_key=key).count() != 1
    ]
    certificates = Certificate.objects.filter(user_id__in=user_ids)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and certificates.exclude(status=Certificate.Status.READY).exists():
        time.sleep(1)
    statuses = defaultdict(int)
    for status in certificates.values_list("status", flat=True):
        statuses[status] += 1
    return {
        "lost": lost,
        "completed": len(completed),
        "wrong_count": wrong_count,
        "statuses": dict(statuses),
        "ready_after": wait - max(deadline - time.monotonic(), 0),
    }


def percentile(values, share):
    values = sorted(values)
    return values[min(int(len(values) * share), len(values) - 1)] if values else 0.0


def run(args) -> tuple[Stats, dict, float, str]:
    """Start the stack, run the trainees until the time is up, check the database; return
    (the statistics, the check's result, the seconds the load lasted, the worker log if needed)."""
    stats = Stats()
    cpu_before = _cpu_seconds()[1]
    with Stack("load", web_workers=args.workers, celery_worker=True, keep=args.keep) as stack:
        plan, cookies, user_ids = prepare(stack.port, args.trainees, first_module_read=bool(args.think))
        barrier = threading.Barrier(args.trainees)
        cpu_threads = _cpu_seconds(children=False)
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            Trainee(
                port=stack.port,
                cookies=cookie,
                plan=plan,
                stats=stats,
                deadline=deadline,
                barrier=barrier,
                seed=i,
                think=args.think,
            )
            for i, cookie in enumerate(cookies)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0) + 90)
        elapsed = time.monotonic() - started
        stats.cpu_load = _cpu_seconds(children=False) - cpu_threads
        result = check(stats, user_ids, args.wait)
        all_ready = result["statuses"].get("ready", 0) == sum(result["statuses"].values())
        worker_log = "" if all_ready else stack.log_tail("celery.log", 15)
    # gunicorn and the worker are waited for when the stack stops: their time is ours then.
    stats.cpu_server = _cpu_seconds()[1] - cpu_before
    return stats, result, elapsed, worker_log


def _cpu_seconds(*, children: bool = True):
    """The CPU time (user + system) of this process (its trainee threads), and of its children
    that ended (gunicorn and its workers, the Celery worker); with children=False, only the first."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    mine = own.ru_utime + own.ru_stime
    if not children:
        return mine
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine, done.ru_utime + done.ru_stime


def report(args, stats: Stats, result: dict, elapsed: float, worker_log: str) -> bool:
    """Print the figures and the verdict; return True if every target is met."""
    everything = [s for values in stats.latencies.values() for s in values]
    total = len(everything)
    p95 = percentile(everything, 0.95) * 1000
    pauses = f"a pause of {args.think:g} s on average before each request" if args.think else "no pauses (closed loop)"
    print(
        f"Load test: {args.trainees} trainees, {pauses}, for {args.seconds:g} s on gunicorn ({args.workers} workers, "
        "production settings), "
        f"PostgreSQL, Redis, a Celery worker (2 processes); load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print()
    print(f"{'requests':<16}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}")
    for kind in sorted(stats.latencies):
        values = stats.latencies[kind]
        print(
            f"{kind:<16}{len(values):>7}{statistics.median(values) * 1000:>9.0f}{percentile(values, 0.95) * 1000:>9.0f}"
        )
    median = statistics.median(everything) * 1000 if total else 0
    print(f"{'all':<16}{total:>7}{median:>9.0f}{p95:>9.0f}   {total / elapsed:.0f} requests/s")
    spread = max(stats.spike_sent) - min(stats.spike_sent) if stats.spike_sent else float("inf")
    if stats.spike:
        print(
            f"quiz-start spike: {len(stats.spike)} starts sent within {spread:.2f} s, slowest answered in "
            f"{max(stats.spike) * 1000:.0f} ms, p95 {percentile(stats.spike, 0.95) * 1000:.0f} ms"
        )
    print(
        f"CPU: the {args.trainees} trainee threads {stats.cpu_load:.0f} s ({stats.cpu_load * 1000 / max(total, 1):.1f} ms "
        f"a request), gunicorn and the worker {stats.cpu_server:.0f} s from start to stop, over {elapsed:.0f} s on "
        f"{os.cpu_count()} cores; at {total / elapsed:.0f} requests/s, {args.trainees} trainees without pauses wait "
        f"{args.trainees / max(total / elapsed, 1e-9) * 1000:.0f} ms a request on average (trainees / throughput)"
    )
    print()
    print(f"errors: {len(stats.errors)}")
    for message in stats.errors[:10]:
        print("  ", message)
    print(
        f"answers accepted: {len(stats.quiz_answers)} quiz, {len(stats.practice_answers)} practice; "
        f"lost: {len(result['lost'])}"
    )
    print(
        f"courses completed: {result['completed']}; without exactly one certificate: {len(result['wrong_count'])}; "
        f"certificates by status: {result['statuses'] or 'none'} "
        f"(waited {result['ready_after']:.0f} s)"
    )
    if worker_log:
        print("worker log (tail):\n" + worker_log)
    missed = []
    if stats.errors:
        missed.append(f"{len(stats.errors)} errors")
    if result["lost"]:
        missed.append(f"{len(result['lost'])} lost answers")
    if result["wrong_count"] or not set(result["statuses"]) <= {"ready"}:
        missed.append("certificates not all ready, or not exactly one per completed course")
    if not result["completed"]:
        missed.append("no course completed: no certificate was tested")
    if len(stats.spike) != args.trainees or spread > SPIKE_WINDOW_SECONDS:
        missed.append(f"the spike: {len(stats.spike)} of {args.trainees} starts within {spread:.2f} s")
    if p95 >= args.p95:
        missed.append(f"p95 {p95:.0f} ms (target under {args.p95:g} ms)")
    print(
        "RESULT:",
        "FAIL: " + "; ".join(missed)
        if missed
        else f"OK (0 errors, 0 lost answers, {result['completed']} courses completed and every certificate "
        f"ready, p95 {p95:.0f} ms < {args.p95:g} ms)",
    )
    return not missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trainees", type=int, default=TRAINEES, help=f"simulated trainees (default {TRAINEES})")
    parser.add_argument("--seconds", type=float, default=60, help="length of the load (default 60)")
    parser.add_argument("--wait", type=float, default=180, help="longest wait for the certificates (default 180)")
    parser.add_argument(
        "--p95",
        type=float,
        default=P95_TARGET_MS,
        help=f"target for the p95 of all requests, ms (default {P95_TARGET_MS})",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean pause of a trainee before each request, seconds (default 0: a closed loop)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--smoke", action="store_true", help="a short run: 10 trainees for 20 seconds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = parser.parse_args()
    if args.smoke:
        args.trainees, args.seconds = 10, 20
    return 0 if report(args, *run(args)) else 1


if __name__ == "__main__":
    sys.exit(main())
