"""What the courses app announces to the apps above it (certificates issues and withdraws).

Sent inside the transaction that wrote the enrollment, so the certificate is issued or withdrawn
in that same transaction: a completion never commits without its certificate."""

from django.dispatch import Signal

course_completed = Signal()  # receivers take user, course (CoursePage), enrollment, **kwargs
course_completion_withdrawn = Signal()  # receivers take user, course_key (UUID), **kwargs
