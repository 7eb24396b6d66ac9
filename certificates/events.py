"""What the certificates app announces to the apps above it (hr makes its exports out of date).

Sent inside the transaction that revoked the certificate, so a receiver's writes commit or roll
back with the revocation."""

from django.dispatch import Signal

certificate_revoked = Signal()  # receivers take certificate (the revoked Certificate, locked), **kwargs
