from accounts.access import is_platform_staff, role_map, staff_groups
from accounts.models import MANAGE_ROLES


def navigation(request) -> dict:
    """What the navigation needs to show the right sections for the user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {"anonymous": True}}
    from marketplace.selectors import freelancer_profile_for

    organization = getattr(request, "organization", None)
    return {
        "nav": {
            "anonymous": False,
            "organization": organization,
            # Billing answers 404 to a seller's reviewers and viewers: the menu offers it to owners and managers only.
            "manages_organization": organization is not None and role_map(user).get(organization.pk) in MANAGE_ROLES,
            "is_freelancer": freelancer_profile_for(user) is not None,
            "is_staff": is_platform_staff(user),
            "staff_groups": sorted(staff_groups(user)),
        }
    }
