"""Plain-words guidance for candidates: where they are, what is next, what to prepare."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from .models import Application, ApplicationStatus, Stage


@dataclass(frozen=True)
class Guidance:
    where: str
    next: str
    prepare: list[str]


PREPARE = {
    Stage.PROFILE_SCREEN: [
        "Keep your profile complete: headline, bio, country, hourly rate and weekly hours.",
        f"List your languages with honest CEFR levels; at least one at {settings.VETTING_MIN_LANGUAGE_LEVEL} or above.",
    ],
    Stage.ASSESSMENT: [
        f"You will answer {settings.VETTING_ASSESSMENT_SCENARIOS} customer messages in "
        f"{settings.VETTING_ASSESSMENT_MINUTES} minutes, in one sitting. You get one attempt.",
        "Typical cases: a parcel marked delivered that never arrived, an A-to-z claim threat, an angry buyer, "
        "a refund request outside policy, a damaged item.",
        "Follow marketplace rules: no external links, e-mail addresses or phone numbers; never ask for reviews.",
    ],
    Stage.INTERVIEW: [
        "Book a slot that suits you; times are shown in your time zone and in UTC.",
        "Expect questions on communication, English, reliability and how you care for customers.",
        "Use a quiet place, a working camera and a headset.",
    ],
    Stage.CHECKS: [
        "Have a government ID ready for a short video check (we do not store copies).",
        "Prepare two references who worked with you (name, relationship, e-mail or phone).",
        "Fill in your tax form (W-8BEN outside the US, W-9 in the US) and set a payout method.",
    ],
    Stage.DECISION: ["Nothing to prepare: the vetting team is deciding. You will get an e-mail."],
}

NEXT = {
    Stage.PROFILE_SCREEN: "A vetting reviewer checks your profile. Next comes the written assessment.",
    Stage.ASSESSMENT: "Start the written assessment when you are ready; a reviewer grades it afterwards.",
    Stage.INTERVIEW: "Book an interview slot; the interviewer fills a scorecard after the call.",
    Stage.CHECKS: "The vetting team confirms your identity, references, tax form and payout method.",
    Stage.DECISION: "The vetting team makes the final decision and e-mails you.",
}


def stage_guidance(application: Application | None, profile) -> Guidance:
    if application is None:
        return Guidance(
            where="You have not applied yet.",
            next="Complete your profile, then submit your application.",
            prepare=PREPARE[Stage.PROFILE_SCREEN],
        )
    if application.status == ApplicationStatus.APPROVED:
        return Guidance(
            where=f"Approved with a vetting score of {application.vetting_score}.",
            next="Sellers can now find you in matching and send you offers.",
            prepare=[],
        )
    if application.status == ApplicationStatus.SUSPENDED:
        return Guidance(
            where="Your profile is suspended.",
            next=f"Reason: {application.suspension_reason}. Contact support to discuss it.",
            prepare=[],
        )
    if application.status == ApplicationStatus.REJECTED:
        return Guidance(
            where=f"Not approved this time ({application.get_rejection_reason_display().lower()}).",
            next=f"You can apply again from {application.reapply_after:%d %B %Y}.",
            prepare=PREPARE[Stage.PROFILE_SCREEN],
        )
    return Guidance(
        where=f"Step {application.stage_number} of 5: {application.get_stage_display()}.",
        next=NEXT[application.stage],
        prepare=PREPARE[application.stage],
    )
