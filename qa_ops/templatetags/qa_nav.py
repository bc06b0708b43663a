"""``{% qa_ops_links as links %}``: the QA operations menu for the signed-in user (see ``qa_ops.navigation``)."""

from django import template

from qa_ops.navigation import qa_ops_links as links_for

register = template.Library()


@register.simple_tag(takes_context=True)
def qa_ops_links(context):
    request = context.get("request")
    return links_for(getattr(request, "user", None))
