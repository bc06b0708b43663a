from accounts.access import is_platform_staff, staff_groups


def navigation(request) -> dict:
    """What the navigation needs to show the right sections for the user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {"anonymous": True}}
    from marketplace.selectors import freelancer_profile_for

    return {
        "nav": {
            "anonymous": False,
            "organization": getattr(request, "organization", None),
            "is_freelancer": freelancer_profile_for(user) is not None,
            "is_staff": is_platform_staff(user),
            "staff_groups": sorted(staff_groups(user)),
        }
    }
