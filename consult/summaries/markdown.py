"""The input document in Markdown: every text escaped, so that it shows as typed in any Markdown renderer."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import pgettext

from ..i18n import percent
from .context import Table, by_question, document_context, suppression_note
from .reading import SummaryView

# "&" too: otherwise "&lt;" or "&#0;" as typed would show as the character they name.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&])")


def md_escape(text: str) -> str:
    """Text shown as text by any Markdown renderer: no markup, no HTML, one paragraph."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_table(table: Table) -> list[str]:
    lines = [f"**{md_escape(table.title)}**", "", "| " + " | ".join(md_escape(h) for h in table.header) + " |"]
    lines.append("|" + "---|" * len(table.header))
    lines.extend("| " + " | ".join(md_escape(cell) for cell in row) + " |" for row in table.rows)
    return [*lines, ""]


def _front_matter(context: dict) -> list[str]:
    """ITU's opening; "Draft" and "Interim update" first, so no reader can miss them."""
    out = [f"**{md_escape(' · '.join(context['marks']))}**", ""] if context["marks"] else []
    if context["notice"]:  # an answer was removed after publication
        out += [f"**{md_escape(context['notice'])}**", ""]
    out += [f"**{md_escape(context['group'])}**", "", md_escape(context["meeting"]), ""]
    out += [md_escape(line) + "  " for line in context["header"]] + [""]
    out += [f"**{md_escape(_('Source'))}:** {md_escape(context['source'])}", ""]
    out += [f"**{md_escape(_('Title'))}:** {md_escape(context['title'])}", ""]
    out += [f"# {md_escape(context['title'])}", ""]
    out += [f"## {md_escape(pgettext('document section', 'Summary'))}", "", md_escape(context["abstract"]), ""]
    out += [f"## {md_escape(_('Action required'))}", "", md_escape(context["action"]), ""]
    out += [f"## {md_escape(_('References'))}", ""] + [f"- {md_escape(r)}" for r in context["references"]] + [""]
    return out


def _themes(view: SummaryView, context: dict) -> list[str]:
    out = [f"## {md_escape(_('Themes'))}", ""]
    for question in view.questions:
        out += [f"### {md_escape(_('Question %(n)d', n=question.position))}: {md_escape(question.prompt)}", ""]
        if not question.themes:
            out += [md_escape(_("No published responses.")), ""]
        for theme in question.themes:
            out += [
                f"#### {md_escape(theme.title)}",
                "",
                md_escape(context["withheld_note"])
                if theme.withheld
                else md_escape(
                    _(
                        "%(size)d responses (%(share)s). Keywords: %(keywords)s.",
                        size=theme.size,
                        share=percent(theme.share),
                        keywords=", ".join(theme.keywords),
                    )
                ),
                "",
            ]
            for quote in theme.quotes:
                url = context["quote_url"](quote.id)
                out += [f"> {md_escape(quote.text)}", ">"]
                if quote.english:
                    out += [f'> <span lang="en">{md_escape(quote.english)}</span>', ">"]
                out += [f"> [R{quote.id}]({url}) <{url}>", ""]
    return out


def render_markdown(view: SummaryView) -> bytes:
    context = document_context(view)
    out = _front_matter(context)
    out += [f"## {md_escape(_('Method'))}", ""]
    for paragraph in context["method"]:
        out += [md_escape(paragraph), ""]
    out += [f"## {md_escape(_('Statistics'))}", "", md_escape(suppression_note()), ""]
    for table in context["tables"]:
        out += _md_table(table)
    out += [f"**{md_escape(_('Chart'))}:** {md_escape(context['chart_alt'])}", ""]
    out += _themes(view, context)
    out += [f"## {md_escape(_('Key messages'))}", ""]
    out += [f"- {md_escape(message)}" for message in context["key_messages"]] + [""]
    out += [f"## {md_escape(_('Annex: all published responses'))}", ""]
    for position, prompt, responses in by_question(view):
        out += [f"### {md_escape(_('Question %(n)d', n=position))}: {md_escape(prompt)}", ""]
        out += [f"- R{r.id} ({r.language}): {md_escape(r.text)}" for r in responses] + [""]
    out += [f"## {md_escape(_('Licence and attribution'))}", "", md_escape(context["licence_note"]), ""]
    if view.attribution:
        out += [md_escape(view.attribution), ""]
    if context["marks"]:  # a Markdown file has no pages: marked at its start and at its end
        out += [f"**{md_escape(' · '.join(context['marks']))}**", ""]
    return "\n".join(out).encode("utf-8")
