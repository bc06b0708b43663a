from __future__ import annotations

import pytest

from tests.cms.factories import make_playbook, make_sop


@pytest.fixture
def shared_playbook(db):
    return make_playbook(title="Starter template", slug="starter")


@pytest.fixture
def shared_sop(shared_playbook):
    return make_sop(
        playbook=shared_playbook, title="Refund requests", slug="refunds", summary="Refund within authority"
    )


@pytest.fixture
def acme_playbook(org):
    return make_playbook(title="Acme playbook", slug="acme-playbook", organization=org)


@pytest.fixture
def acme_sop(acme_playbook):
    return make_sop(playbook=acme_playbook, title="Acme damaged parcels", slug="acme-damaged", summary="Refund damaged")


@pytest.fixture
def globex_playbook(other_org):
    return make_playbook(title="Globex playbook", slug="globex-playbook", organization=other_org)


@pytest.fixture
def globex_sop(globex_playbook):
    return make_sop(playbook=globex_playbook, title="Globex refund secrets", slug="globex-refunds", summary="Refund")
