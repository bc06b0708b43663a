import factory
from django.utils import timezone

from vetting.models import InterviewSlot, Scenario, ScenarioCategory


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario

    title = factory.Sequence(lambda n: f"Scenario {n}")
    category = factory.Iterator([c for c, _ in ScenarioCategory.choices if c != "other"])
    context = "Order 112-3344 shipped with tracking, marked delivered yesterday."
    customer_message = "My parcel says delivered but I never got it. I want my money back now!"


class InterviewSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterviewSlot

    starts_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=2))
    duration_minutes = 30
