from django.db import migrations
from django.utils.text import slugify

SKILLS = [
    "Customer e-mail support",
    "Live chat",
    "Phone support",
    "Returns and refunds",
    "A-to-z claims",
    "Feedback and review management",
    "Listing support",
    "Order tracking",
    "Chargebacks and disputes",
    "Social media support",
    "Escalation handling",
    "Product knowledge base writing",
]
LANGUAGES = [
    ("English", "en"),
    ("Spanish", "es"),
    ("Portuguese", "pt"),
    ("French", "fr"),
    ("German", "de"),
    ("Italian", "it"),
    ("Polish", "pl"),
    ("Ukrainian", "uk"),
    ("Romanian", "ro"),
    ("Hindi", "hi"),
    ("Tagalog", "tl"),
    ("Japanese", "ja"),
]
CHANNELS = ["Amazon", "Shopify", "eBay", "Walmart", "Etsy", "WooCommerce", "TikTok Shop"]
TOOLS = [
    "Seller Central",
    "Zendesk",
    "Gorgias",
    "Freshdesk",
    "Help Scout",
    "Intercom",
    "Gladly",
    "eDesk",
    "Re:amaze",
]


def seed(apps, schema_editor):
    Skill = apps.get_model("marketplace", "Skill")
    Language = apps.get_model("marketplace", "Language")
    Channel = apps.get_model("marketplace", "Channel")
    Tool = apps.get_model("marketplace", "Tool")
    for bit, name in enumerate(SKILLS):
        Skill.objects.get_or_create(slug=slugify(name), defaults={"name": name, "bit": bit})
    for bit, (name, code) in enumerate(LANGUAGES):
        Language.objects.get_or_create(code=code, defaults={"name": name, "slug": slugify(name), "bit": bit})
    for bit, name in enumerate(CHANNELS):
        Channel.objects.get_or_create(slug=slugify(name), defaults={"name": name, "bit": bit})
    for bit, name in enumerate(TOOLS):
        Tool.objects.get_or_create(slug=slugify(name), defaults={"name": name, "bit": bit})


def unseed(apps, schema_editor):
    for model, names in (("Skill", SKILLS), ("Channel", CHANNELS), ("Tool", TOOLS)):
        apps.get_model("marketplace", model).objects.filter(slug__in=[slugify(n) for n in names]).delete()
    apps.get_model("marketplace", "Language").objects.filter(code__in=[c for _, c in LANGUAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0003_taxonomy_jobs_offers_match_index")]
    operations = [migrations.RunPython(seed, unseed)]
