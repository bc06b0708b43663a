"""Empty QA ops pages say what to do next."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_filter_that_matches_nothing_offers_to_clear_it(client_for, seller_owner):
    page = client_for(seller_owner).get("/qa-ops/assignments/?status=removed").content.decode()
    assert 'No assignments match these filters. <a href="/qa-ops/assignments/">Clear the filters</a>' in page
    assert "No assignments yet." not in page


def test_autoqa_agreement_without_figures_points_to_the_queue(client_for, reviewer):
    page = client_for(reviewer).get("/qa-ops/autoqa/").content.decode()
    assert '<a href="/qa/">Review a conversation from the queue</a> to start.' in page
