from django import template

register = template.Library()


@register.filter
def allowed_time(base, user):
    """`{{ quiz.time_limit_minutes|allowed_time:user }}`: the time `user` has for something timed
    at `base` (User.allowed_time, their extra time counted); None for no limit. Anyone without
    extra time (an anonymous visitor) has `base`."""
    allowed = getattr(user, "allowed_time", None)
    return allowed(base) if allowed else base
