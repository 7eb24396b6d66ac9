"""The receivers of the hr app: a revoked certificate makes the exports holding it out of date, in
the revocation's transaction (certificates.events). One line each."""

from certificates import events as certificate_events

from . import services


def certificate_revoked(certificate, **kwargs) -> None:
    services.exports_outdate(certificate=certificate)


def connect() -> None:
    """Called once from HrConfig.ready()."""
    certificate_events.certificate_revoked.connect(certificate_revoked, dispatch_uid="hr.certificate_revoked")
