"""Course pages straight in the database: what the `demo_course` fixture gives most tests.

`build_course` makes in a tenth of a second the tree that tests/conftest.py's `loaded_course`
makes through the content loader in over a second: the same slugs (demo-course, module-1,
lesson-1-1, ...), titles ("Module 1 en", "Lesson 1.1 ar") and home pages, the site pointed at the
English home. What it leaves out: revisions, content records, and lesson bodies written in
Markdown (one paragraph here, no example, checklist or internal link). A test of those uses
`loaded_course`.
"""

import uuid

HOME_KEY = uuid.uuid5(uuid.NAMESPACE_URL, "masar:home:home")  # courses.models.content_uuid("home", "home")
TITLES = {"en": "Demo course", "ar": "دورة تجريبية"}


def home_pages() -> dict:
    """Return the home page of each language, as the loader makes them; the site points at one."""
    from wagtail.models import Locale, Page, Site

    from courses.models import HomePage

    root = Page.get_first_root_node()
    if root is None:  # a transactional test flushed the tree Wagtail's migrations made
        locale, _ = Locale.objects.get_or_create(language_code="en")
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    homes = {}
    for language in ("en", "ar"):
        locale, _ = Locale.objects.get_or_create(language_code=language)
        home = HomePage.objects.filter(translation_key=HOME_KEY, locale=locale).first()
        if home is None:
            home = root.add_child(
                instance=HomePage(title="Masar", slug=f"home-{language}", translation_key=HOME_KEY, locale=locale)
            )
        homes[language] = home
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=homes["en"], is_default_site=True, site_name="Masar"
        )
    elif site.root_page_id not in {home.pk for home in homes.values()}:
        # Wagtail's "Welcome" page stays (the loader deletes it): deleting a page costs more than
        # making the whole course, and nothing reaches it once the site points elsewhere.
        site.root_page, site.site_name = homes["en"], "Masar"
        site.save(update_fields=["root_page", "site_name"])
    return homes


def build_course(*, slug: str = "demo-course", titles=None, hours: int = 2, modules: int = 2, lessons: int = 2) -> dict:
    """Create a live course in Arabic and English (same translation keys); return {language: CoursePage}."""
    from courses.models import CoursePage, LessonPage, ModulePage

    titles = titles or TITLES
    course_key = uuid.uuid4()
    module_keys = [uuid.uuid4() for _ in range(modules)]
    lesson_keys = [[uuid.uuid4() for _ in range(lessons)] for _ in range(modules)]
    courses = {}
    for language, home in home_pages().items():
        locale = home.locale
        course = home.add_child(
            instance=CoursePage(
                title=titles[language],
                slug=slug,
                summary=f"S {language}",
                level="beginner",
                estimated_hours=hours,
                intro=f"<p>Intro {language}.</p>",
                outcomes=[("outcome", f"O {language}")],
                translation_key=course_key,
                locale=locale,
            )
        )
        for m, module_key in enumerate(module_keys, start=1):
            module = course.add_child(
                instance=ModulePage(
                    title=f"Module {m} {language}",
                    slug=f"module-{m}",
                    summary="M",
                    required=True,
                    translation_key=module_key,
                    locale=locale,
                )
            )
            for n, lesson_key in enumerate(lesson_keys[m - 1], start=1):
                module.add_child(
                    instance=LessonPage(
                        title=f"Lesson {m}.{n} {language}",
                        slug=f"lesson-{m}-{n}",
                        summary="L",
                        estimated_minutes=5,
                        translation_key=lesson_key,
                        locale=locale,
                        body=[("rich_text", f"<p>Text of lesson {m}.{n} in {language}.</p>")],
                    )
                )
        courses[language] = CoursePage.objects.get(pk=course.pk)
    return courses
