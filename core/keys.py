"""Keys of items written in the admin: each question, key point and choice has a short slug
`key`, the same in every language, that the content files name it by (content/README.md) and
that never changes once the item exists (answers, cards and translations hang off it).

Editors need not invent them: a new item's key comes from its English text (slugified) or, for
text in another script, from a random suffix; it shows in a collapsed "Advanced" panel and is
read-only once the item is saved. `KeyedFormMixin` does this for a Wagtail admin form and the
rows of its inline formsets."""

import secrets

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

LOCKED_HELP = _("Set when the item was created; it never changes, since the content files and translations use it.")
NEW_HELP = _("Leave empty: a key is made from the text. It cannot change once saved.")


def key_generate(text: str, *, taken=(), max_length: int = 60, prefix: str = "item") -> str:
    """A slug of `text` (its first words, ASCII only) not in `taken`; a random one without ASCII words."""
    taken = set(taken)
    base = slugify(" ".join(str(text).split()[:6]))[: max_length - 5].strip("-")
    if not base:
        base = f"{prefix}-{secrets.token_hex(3)}"
    key, n = base, 2
    while key in taken:
        key = f"{base}-{n}"[:max_length]
        n += 1
    return key


def letter_keys(taken) -> str:
    """The first of a, b, ..., z, aa, ab... not in `taken`: how choices are named in the files."""
    taken = set(taken)
    letters = "abcdefghijklmnopqrstuvwxyz"
    candidates = [*letters, *(a + b for a in letters for b in letters)]
    return next(c for c in candidates if c not in taken)


def key_field_prepare(form, *, name: str = "key") -> None:
    """Make `form`'s key optional when new (it is generated) and read-only once saved."""
    field = form.fields.get(name)
    if field is None:
        return
    if form.instance.pk and getattr(form.instance, name, ""):
        field.disabled = True
        field.help_text = LOCKED_HELP
    else:
        field.required = False
        # None, not "": a formset's check that keys are unique among its rows skips None, so
        # several new rows may all leave their key to be made.
        field.empty_value = None
        field.help_text = NEW_HELP


class KeyedFormMixin:
    """For a WagtailAdminModelForm: `key_source` names the text field a new item's key comes from
    (`key_unique_with`: the fields with which the key must be unique, for the keys already taken);
    `child_keys` maps an inline relation to (its text field, "slug" or "letter")."""

    key_source = "text"
    key_prefix = "item"
    child_keys: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        key_field_prepare(self)
        for relation in self.child_keys:
            formset = self.formsets.get(relation)
            if formset is not None:
                for form in formset.forms:
                    key_field_prepare(form)

    def keys_taken(self) -> set:
        return set()

    def clean(self):
        cleaned = super().clean()
        if "key" in self.fields and not self.fields["key"].disabled and not cleaned.get("key"):
            max_length = self._meta.model._meta.get_field("key").max_length
            cleaned["key"] = key_generate(
                cleaned.get(self.key_source) or "",
                taken=self.keys_taken(),
                max_length=max_length,
                prefix=self.key_prefix,
            )
        return cleaned

    def save(self, commit=True):
        for relation, (source, style) in self.child_keys.items():
            formset = self.formsets.get(relation)
            if formset is None:
                continue
            rows = [f for f in formset.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]
            taken = {f.instance.key for f in rows if f.instance.key}
            max_length = formset.model._meta.get_field("key").max_length
            for form in rows:
                if not form.instance.key:
                    if style == "letter":
                        form.instance.key = letter_keys(taken)
                    else:
                        form.instance.key = key_generate(
                            form.cleaned_data.get(source) or "", taken=taken, max_length=max_length, prefix="point"
                        )
                    taken.add(form.instance.key)
        return super().save(commit=commit)
