"""The StreamField blocks a lesson body is made of; the content loader produces the same."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h4", "code", "superscript", "subscript"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"))
    level = blocks.ChoiceBlock(choices=[("h2", _("Heading")), ("h3", _("Sub-heading"))], default="h2", label=_("level"))

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "courses/blocks/heading.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[
            ("tip", _("Tip")),
            ("warning", _("Warning")),
            ("example", _("Example")),
            ("exercise", _("Exercise")),
            ("checklist", _("Checklist")),
        ],
        default="tip",
        label=_("kind"),
    )
    title = blocks.CharBlock(required=False, label=_("title"))
    body = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("text"))

    class Meta:
        icon = "help"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quotation"))
    attribution = blocks.CharBlock(required=False, label=_("attribution"))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "courses/blocks/quote.html"


class ImageBlock(blocks.StructBlock):
    """A picture in a lesson: its alt text says what it shows, in the lesson's language."""

    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alt text"), help_text=_("What the picture shows, for readers who cannot see it.")
    )
    caption = blocks.CharBlock(required=False, label=_("caption"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class SourceBlock(blocks.StructBlock):
    """A source a lesson draws on, listed at its end: a title, and a web address when there is one."""

    title = blocks.CharBlock(label=_("title"))
    url = blocks.URLBlock(label=_("web address"), required=False)

    class Meta:
        icon = "link"
        label = _("source")


class LessonStreamBlock(blocks.StreamBlock):
    """The blocks an editor picks from; each is named in the admin's language."""

    heading = HeadingBlock()
    rich_text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, template="courses/blocks/rich_text.html", label=_("Rich text")
    )
    callout = CalloutBlock()
    key_points = blocks.ListBlock(
        blocks.CharBlock(label=_("key point")),
        icon="list-ul",
        template="courses/blocks/key_points.html",
        label=_("Key points"),
    )
    table = TableBlock(template="courses/blocks/table.html", label=_("Table"))
    quote = QuoteBlock()
    image = ImageBlock()
