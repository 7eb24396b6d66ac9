from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Organization

User = get_user_model()

DEMO_USERS = [
    # username, role, Latin name, Arabic name, language, superuser
    ("trainee", User.Role.TRAINEE, "Layla Hassan", "ليلى حسن", "ar", False),
    ("hr", User.Role.HR, "Omar Khaled", "عمر خالد", "en", False),
    ("editor", User.Role.EDITOR, "Sara Nabil", "سارة نبيل", "en", False),
    ("admin", User.Role.EDITOR, "Masar Admin", "مدير مسار", "en", True),
]

# Editors also mark essays: the permission lives in the quizzes app when it is installed.
EDITOR_EXTRA_PERMISSIONS = [("quizzes", "mark_answer")]
# Support staff see the certificates and exports of every organization; editors do not.
SUPPORT_GROUP = "Support"
SUPPORT_PERMISSIONS = [("certificates", "view_every_organization")]


class Command(BaseCommand):
    help = "Create (or reset) the demo organization and its users; safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        password = settings.MASAR_DEMO_PASSWORD
        org, _ = Organization.objects.get_or_create(name="Demo Co", defaults={"join_code": "DEMO-CO"})
        editors = Group.objects.filter(name="Editors").first()
        for app_label, codename in EDITOR_EXTRA_PERMISSIONS:
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if editors and perm:
                editors.permissions.add(perm)
        support, _ = Group.objects.get_or_create(name=SUPPORT_GROUP)
        for app_label, codename in SUPPORT_PERMISSIONS:
            support.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        for username, role, latin, arabic, language, superuser in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@demo.masar.local"}
            )
            user.email = f"{username}@demo.masar.local"
            user.role = role
            user.name_latin = latin
            user.name_arabic = arabic
            user.preferred_language = language
            user.organization = org
            user.is_staff = superuser or role == User.Role.EDITOR  # the Wagtail admin; no right to people's data
            user.is_superuser = superuser
            user.set_password(password)
            user.save()
            if role == User.Role.EDITOR and editors:
                user.groups.add(editors)
            self.stdout.write(f"{'created' if created else 'updated'}: {username}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo logins (password: {password}): trainee, hr, editor, admin — "
                f"organization 'Demo Co' (join code {org.join_code})"
            )
        )
