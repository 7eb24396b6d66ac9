"""The StreamField blocks a lesson body is made of; the content loader produces the same."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h4", "code", "superscript", "subscript"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"))
    level = blocks.ChoiceBlock(choices=[("h2", _("Heading")), ("h3", _("Sub-heading"))], default="h2")

    class Meta:
        icon = "title"
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
    )
    title = blocks.CharBlock(required=False)
    body = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        template = "courses/blocks/callout.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False)

    class Meta:
        icon = "openquote"
        template = "courses/blocks/quote.html"


class ImageBlock(blocks.StructBlock):
    """A picture in a lesson: its alt text says what it shows, in the lesson's language."""

    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        label=_("alt text"), help_text=_("What the picture shows, for readers who cannot see it.")
    )
    caption = blocks.CharBlock(required=False)

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"


class SourceBlock(blocks.StructBlock):
    """A source a lesson draws on, listed at its end: a title, and a web address when there is one."""

    title = blocks.CharBlock(label=_("title"))
    url = blocks.URLBlock(label=_("web address"), required=False)

    class Meta:
        icon = "link"
        label = _("source")


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    rich_text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, template="courses/blocks/rich_text.html")
    callout = CalloutBlock()
    key_points = blocks.ListBlock(blocks.CharBlock(), icon="list-ul", template="courses/blocks/key_points.html")
    table = TableBlock(template="courses/blocks/table.html")
    quote = QuoteBlock()
    image = ImageBlock()
