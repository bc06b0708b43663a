"""The job form on a first visit: coverage lines as people write them, the rate rule next to its field, and
repeated inputs deduplicated and capped (issue 17, item 6)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from marketplace import services
from marketplace.coverage import format_windows, parse_windows
from marketplace.forms import JobForm, ProfileForm
from marketplace.models import AvailabilityWindow, CoverageWindow, JobLanguage, JobPost
from marketplace.services import JobSpec
from tests.marketplace.factories import channel, language, skill

pytestmark = pytest.mark.django_db

T = dt.time
WEEKDAYS_9_17 = [(d, T(9), T(17)) for d in range(5)]


@pytest.mark.parametrize(
    ("line", "windows"),
    [
        ("Mon-Fri 9-17", WEEKDAYS_9_17),
        ("Mon–Fri 09:00–17:00", WEEKDAYS_9_17),  # en dashes
        ("mon - fri 09:00 - 17:00", WEEKDAYS_9_17),
        ("Monday-Friday 9:00-17:00", WEEKDAYS_9_17),
        ("Sat 10-14", [(5, T(10), T(14))]),
        ("Mon,Wed,Fri 8:30-12", [(0, T(8, 30), T(12)), (2, T(8, 30), T(12)), (4, T(8, 30), T(12))]),
        ("Mon, Wed, Fri 8.30-12", [(0, T(8, 30), T(12)), (2, T(8, 30), T(12)), (4, T(8, 30), T(12))]),
        ("Sat 22:00-06:00", [(5, T(22), T(6))]),  # past midnight
        ("Sun 18-24", [(6, T(18), T(0))]),  # until midnight
        (
            "Fri-Mon 20-23:45",
            [(4, T(20), T(23, 45)), (5, T(20), T(23, 45)), (6, T(20), T(23, 45)), (0, T(20), T(23, 45))],
        ),
        ("Mon-Fri 9-17\nMon 09:00-17:00\n\nTue 9-17", WEEKDAYS_9_17),  # repeated windows are kept once
    ],
)
def test_coverage_lines_in_common_forms(line, windows):
    assert parse_windows(line) == windows


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (
            "weekdays 9 to 5",
            "Line 1 (“weekdays 9 to 5”): write the days, then 24-hour times, e.g. “Mon-Fri 09:00-17:00”, "
            "“Sat 10-14” or “Mon,Wed,Fri 8:30-12”.",
        ),
        (
            "Funday 9-17",
            "Line 1 (“Funday 9-17”): “funday” is not a day or a range of days: write e.g. Mon, Mon-Fri or Mon,Wed,Fri.",
        ),
        ("Mon 8:10-12", "Line 1 (“Mon 8:10-12”): use quarter-hours (:00, :15, :30 or :45), not “8:10”."),
        (
            "Mon 25-3",
            "Line 1 (“Mon 25-3”): “25” is not a 24-hour time (00:00 to 23:59, or 24 as an end).",
        ),
        ("Mon 9-9", "Line 1 (“Mon 9-9”): the window needs a length: the end differs from the start."),
        ("Mon 24-3", "Line 1 (“Mon 24-3”): “24” is not a 24-hour time (00:00 to 23:59, or 24 as an end)."),
    ],
)
def test_unreadable_coverage_lines_say_the_expected_form(line, error):
    with pytest.raises(ValidationError) as exc:
        parse_windows(line)
    assert exc.value.messages == [error]


def test_every_bad_line_is_named_up_to_three():
    with pytest.raises(ValidationError) as exc:
        parse_windows("Mon-Fri 9-17\nnope\nTue 7:05-8\nx 1-2\ny 1-2")
    assert [m.split(":")[0] for m in exc.value.messages] == ["Line 2 (“nope”)", "Line 3 (“Tue 7", "Line 4 (“x 1-2”)"]


def test_coverage_windows_are_capped_at_fifty():
    seven_lines = "\n".join(f"Mon-Sun {h}-{h + 1}" for h in range(7))  # 49 windows
    assert len(parse_windows(seven_lines)) == 49
    assert len(parse_windows(seven_lines + "\nMon 20-21")) == 50
    with pytest.raises(ValidationError) as exc:
        parse_windows(seven_lines + "\nMon-Tue 20-21")
    assert exc.value.messages == ["At most 50 coverage windows: these lines make 51 (each day of a range counts)."]


def _data(**changes):
    data = {
        "role": "Chat agent",
        "description": "Buyer messages.",
        "timezone": "America/New_York",
        "windows": "Mon-Fri 9-17",
        "hours_per_week": "20",
        "rate_min": "8.00",
        "rate_max": "12.00",
        "currency": "USD",
        "start_date": "2026-12-14",
        "status": "open",
        "required_skills": [skill("live-chat").pk],
        "languages": "English C1",
    }
    data.update(changes)
    return data


def _errors(response, field):
    return response.context["form"].errors.get(field)


def test_rate_rule_and_a_bad_line_are_both_named_on_the_first_submit(client_for, org, seller_owner):
    client = client_for(seller_owner)
    response = client.post(
        "/marketplace/jobs/new/",
        _data(rate_min="12.00", rate_max="8.00", windows="weekdays 9 to 5", nice_skills=[skill("live-chat").pk]),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert _errors(response, "rate_max") == ["The ceiling (8.00) must not be below the floor (12.00)."]
    assert _errors(response, "windows")[0].startswith("Line 1 (“weekdays 9 to 5”): write the days")
    assert _errors(response, "nice_skills") == ["A skill is either required or nice to have, not both."]
    assert response.context["form"].non_field_errors() == []
    assert '<small class="error" id="id_rate_max_error">The ceiling (8.00) must not be below the floor (12.00).' in body
    assert "Constraint" not in body and "violated" not in body
    assert not JobPost.objects.exists()


def test_an_open_job_without_windows_is_named_next_to_the_windows(client_for, org, seller_owner):
    response = client_for(seller_owner).post("/marketplace/jobs/new/", _data(windows=" \n"))
    assert response.status_code == 400
    assert _errors(response, "windows") == ["An open job needs at least one coverage window."]
    assert not JobPost.objects.exists()


def test_the_service_names_the_rate_field_never_the_constraint(org, seller_owner):
    spec = JobSpec(
        role="Chat",
        description="",
        timezone_name="UTC",
        hours_per_week=10,
        rate_min=Decimal("12"),
        rate_max=Decimal("8"),
        currency="USD",
        start_date=dt.date(2026, 12, 14),
    )
    with pytest.raises(ValidationError) as exc:
        services.job_post_create(actor=seller_owner, organization=org, spec=spec)
    assert exc.value.message_dict == {"rate_max": ["The ceiling must not be below the floor."]}
    assert not JobPost.objects.exists()


def test_repeated_inputs_are_kept_once(client_for, org, seller_owner):
    amazon = channel("amazon").pk
    response = client_for(seller_owner).post(
        "/marketplace/jobs/new/",
        _data(
            windows="Mon-Fri 9-17\nMon–Fri 09:00–17:00\nSat 10-14",
            languages="English C1\nenglish c1\nes B2",
            channels=[amazon, amazon],
            required_skills=[skill("live-chat").pk, skill("live-chat").pk],
        ),
    )
    assert response.status_code == 302
    job = JobPost.objects.get()
    assert CoverageWindow.objects.filter(job=job).count() == 6
    assert sorted(JobLanguage.objects.filter(job=job).values_list("language__code", "min_level")) == [
        ("en", 5),
        ("es", 4),
    ]
    assert list(job.channels.values_list("pk", flat=True)) == [amazon]
    assert list(job.skills.values_list("skill__slug", flat=True)) == ["live-chat"]


def test_a_language_at_two_levels_is_refused_not_a_server_error(client_for, org, seller_owner):
    response = client_for(seller_owner).post("/marketplace/jobs/new/", _data(languages="English C1\nen B2"))
    assert response.status_code == 400
    assert _errors(response, "languages") == ["Line 2: English is already on line 1 with another level; keep one."]
    assert not JobPost.objects.exists()


def test_the_service_refuses_a_language_twice(org, seller_owner):
    spec = JobSpec(
        role="Chat",
        description="",
        timezone_name="UTC",
        hours_per_week=10,
        rate_min=Decimal("8"),
        rate_max=Decimal("12"),
        currency="USD",
        start_date=dt.date(2026, 12, 14),
        languages=[(language("en"), 5), (language("en"), 4)],
        windows=[(0, T(9), T(17))] * 60,  # repeated: one window
    )
    with pytest.raises(ValidationError) as exc:
        services.job_post_create(actor=seller_owner, organization=org, spec=spec)
    assert exc.value.message_dict == {"languages": ["Each language is listed once, with its minimum level."]}
    assert not JobPost.objects.exists()


def test_input_lengths_and_choice_counts_are_bounded():
    form = JobForm(data=_data(windows="Mon 9-17\n" * 223))  # 2,007 characters, 2,006 once stripped
    assert not form.is_valid()
    assert form.errors["windows"] == ["Ensure this value has at most 2000 characters (it has 2006)."]
    assert 'maxlength="2000"' in str(form["windows"])
    form = JobForm(data=_data(tools=[str(n) for n in range(1, 102)]))
    assert not form.is_valid()
    assert form.errors["tools"] == ["Choose at most 100 (101 were sent)."]
    form = ProfileForm(
        data={"timezone": "UTC", "currency": "USD", "hours_per_week": "10", "channels": [str(n) for n in range(200)]}
    )
    assert not form.is_valid()
    assert form.errors["channels"] == ["Choose at most 100 (200 were sent)."]
    form = ProfileForm(data={"timezone": "UTC", "currency": "USD", "hours_per_week": "10", "bio": "x" * 5001})
    assert form.errors["bio"] == ["Ensure this value has at most 5000 characters (it has 5001)."]
    form = JobForm(data=_data(description="x" * 5001))
    assert form.errors["description"] == ["Ensure this value has at most 5000 characters (it has 5001)."]


def test_profile_windows_are_kept_once_and_capped(client_for, freelancer_no_contract):
    client = client_for(freelancer_no_contract)
    profile = freelancer_no_contract.freelancer_profile
    for _ in range(2):
        response = client.post(
            "/marketplace/profile/windows/", {"weekday": "0", "start": "09:00", "end": "17:00"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
    assert AvailabilityWindow.objects.filter(profile=profile).count() == 1
    AvailabilityWindow.objects.bulk_create(
        [AvailabilityWindow(profile=profile, weekday=d, start=T(h), end=T(h + 1)) for d in range(7) for h in range(7)]
    )
    assert AvailabilityWindow.objects.filter(profile=profile).count() == 50
    response = client.post(
        "/marketplace/profile/windows/", {"weekday": "6", "start": "20:00", "end": "21:00"}, HTTP_HX_REQUEST="true"
    )
    # Refused: to HTMX a 200 marked X-Form-Refused (config/refused_forms.py), swapped in place.
    assert (response.status_code, response["X-Form-Refused"]) == (200, "400")
    assert (
        "You have 50 availability windows, the most a profile keeps: remove one to add another."
        in response.content.decode()
    )
    assert AvailabilityWindow.objects.filter(profile=profile).count() == 50


def test_stored_windows_are_written_back_grouped_and_read_back_the_same():
    rows = [*WEEKDAYS_9_17, (5, T(10), T(14)), (0, T(18), T(20)), (6, T(22), T(6)), (2, T(18), T(20))]
    text = format_windows([CoverageWindow(weekday=d, start=s, end=e) for d, s, e in rows])
    assert text == "Mon-Fri 09:00-17:00\nMon 18:00-20:00\nWed 18:00-20:00\nSat 10:00-14:00\nSun 22:00-06:00"
    assert sorted(parse_windows(text)) == sorted(rows)
