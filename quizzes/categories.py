"""Readable, translated names for the question categories used in the quiz files."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "role": _("The role"),
    "duties": _("Duties"),
    "organization": _("Working across the organization"),
    "strategy": _("Strategy"),
    "content": _("Content"),
    "campaigns": _("Campaigns"),
    "policies": _("Platform policies"),
    "ads": _("Ads"),
    "copyright": _("Copyright"),
    "privacy": _("Privacy"),
    "security": _("Account security"),
    "seo": _("SEO"),
    "keywords": _("Keywords and hashtags"),
    "profiles": _("Profiles"),
    "measurement": _("Measurement"),
    "kpis": _("KPIs"),
    "tools": _("Tools"),
    "community": _("Community management"),
    "care": _("Customer care"),
    "crisis": _("Crises"),
    "skills": _("Skills"),
    "qualifications": _("Qualifications"),
    "ladder": _("Career ladder"),
    "salary": _("Salaries"),
    "pros-cons": _("Pros and cons"),
    "preparation": _("Preparation"),
    "portfolio": _("Portfolio"),
    "star": _("The STAR method"),
    "questions": _("Interview questions"),
    "after": _("After the interview"),
    "ai": _("AI in the work"),
    "ai-drafting": _("Drafting with AI"),
    "ai-labels": _("AI labels and disclosure"),
    "ai-policy": _("Team AI policy"),
    "regional-channels": _("The region's channels"),
    "messaging": _("Messaging channels"),
    "short-video": _("Short video"),
    "tracking": _("Tracking and conversions"),
    "campaign-types": _("Automated campaign types"),
    "creative-testing": _("Creative testing and fatigue"),
    "attribution": _("Attribution and budgets"),
    "ads-reports": _("Reading an ads report"),
    "listening-queries": _("What to listen for"),
    "sentiment": _("Sentiment analysis"),
    "listening-tools": _("Listening tools"),
    "listening-action": _("From listening to action"),
}


def category_label(key: str) -> str:
    """Return the translated name of a category; an unknown key is shown tidied up."""
    if not key:
        return str(_("General"))
    label = LABELS.get(key)
    return str(label) if label else key.replace("-", " ").capitalize()
