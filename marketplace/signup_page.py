"""The sign-up page: allauth's, with the side of the marketplace pre-selected from the link that led there.

Apart from ``signup.py`` because allauth imports the form class while its own views module is still loading.
"""

from __future__ import annotations

from allauth.account.views import SignupView as AllauthSignupView

from .signup import AccountType


class SignupView(AllauthSignupView):
    """The landing page's "Hire support" and "Apply as a freelancer" link with ``?as=seller`` / ``?as=freelancer``,
    so the visitor does not choose their side twice."""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        side = self.request.GET.get("as", "")
        if not form.is_bound and side in (AccountType.SELLER, AccountType.FREELANCER):
            form.fields["account_type"].initial = side
        return context


signup = SignupView.as_view()
