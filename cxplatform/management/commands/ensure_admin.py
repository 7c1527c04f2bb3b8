import os
import secrets

import environ
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure an admin login exists and print it. The password comes from CX_ADMIN_PASSWORD, "
        "or is generated once and kept in var/admin_password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=None, help="Default: CX_ADMIN_USERNAME or 'admin'.")

    def handle(self, *args, username, **options):
        env = environ.Env()
        username = username or env.str("CX_ADMIN_USERNAME", default="admin")
        password_file = settings.VAR_DIR / "admin_password"
        password = env.str("CX_ADMIN_PASSWORD", default="")
        if not password and password_file.exists():
            password = password_file.read_text(encoding="utf-8").strip()
        users = get_user_model().objects
        user = users.filter(username=username).first()
        if user is None:
            if not password:
                password = secrets.token_urlsafe(12)
                fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(password)
            users.create_superuser(username=username, email="", password=password)
        elif password and not user.check_password(password):
            password = ""  # changed since: we no longer know it
        shown = password or "(unchanged; reset with: python manage.py changepassword " + username + ")"
        self.stdout.write(f"Admin login: user '{username}', password {shown}")
