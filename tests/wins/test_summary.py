"""Wins in the session summary, on the take-home page, and in the retention purge."""

from datetime import timedelta

import pytest

from facilitator.extensions import db
from facilitator.sessions import services as sessions
from facilitator.summaries import purge
from facilitator.summaries.models import SessionSummary
from facilitator.wins import services as wins
from facilitator.wins.models import Win


@pytest.fixture
def ended_with_wins(facilitator, live_session):
    """Two wins on the wall (reactions: 2 claps and a heart on the first), one kept off it."""
    ana, bo = (sessions.join_session(live_session, name) for name in ("Ana", "Bo"))
    db.session.commit()
    shared = [
        wins.share_win(
            ana,
            live_session,
            client_id="win-ana-01",
            text="Got through the day without a drink",
            kind="said_no",
        ),
        wins.share_win(bo, live_session, client_id="win-bo-001", text="Laughed in group", kind=None),
        wins.share_win(bo, live_session, client_id="win-bo-002", text="Something to keep private", kind=None),
    ]
    first, second, third = (result.win for result in shared)
    wins.approve_win(facilitator, live_session, first.id)
    wins.approve_win(facilitator, live_session, second.id)
    wins.hide_win(facilitator, live_session, third.id)
    wins.react_to_win(ana, live_session, first.id, "clap", True)
    wins.react_to_win(bo, live_session, first.id, "clap", True)
    wins.react_to_win(ana, live_session, first.id, "heart", True)
    sessions.end_session(facilitator, live_session)
    db.session.commit()
    return live_session


def test_the_summary_keeps_the_wall_and_its_reactions(ended_with_wins):
    section = db.session.get(SessionSummary, ended_with_wins.id).data["wins"]
    assert (section["count"], section["hidden"]) == (2, 1)
    assert section["reactions"] == {"clap": 2, "heart": 1, "strength": 0, "sprout": 0}
    texts = {item["text"]: item["reactions"]["clap"] for item in section["items"]}
    assert texts == {"Got through the day without a drink": 2, "Laughed in group": 0}
    assert "Ana" not in str(section) and "Bo" not in str(section)
    assert "Something to keep private" not in str(section)


def test_the_summary_page_and_the_take_home_page_show_the_wall(facilitator_client, client, ended_with_wins):
    page = facilitator_client.get(f"/sessions/{ended_with_wins.id}/summary").get_data(as_text=True)
    assert "Got through the day without a drink" in page
    assert 'id="figure-wins">2<' in page
    token = db.session.get(SessionSummary, ended_with_wins.id).take_home_token
    take_home = client.get(f"/take-home/{token}").get_data(as_text=True)
    assert "The group's small wins" in take_home
    assert "Laughed in group" in take_home
    assert "Ana" not in take_home and "Something to keep private" not in take_home


def test_trends_count_the_wins(facilitator_client, ended_with_wins, group):
    from facilitator.summaries.services import group_trend

    assert group_trend(group)["sessions"][-1]["wins"] == 2


@pytest.mark.parametrize(("purge_texts", "left"), [(True, ""), (False, "Laughed in group")])
def test_win_texts_go_with_the_purge_only_if_the_group_chose_so(ended_with_wins, group, purge_texts, left):
    group.retention_days = 7
    group.purge_win_texts = purge_texts
    db.session.commit()
    (report,) = purge.purge_past_retention(ended_with_wins.ended_at + timedelta(days=8))
    assert report.removed["win texts"] == (3 if purge_texts else 0)
    stored = db.session.scalars(db.select(Win.text).where(Win.kind.is_(None)).order_by(Win.text)).all()
    assert left in stored
    section = db.session.get(SessionSummary, ended_with_wins.id).data["wins"]
    assert {item["text"] for item in section["items"]} == (
        {""} if purge_texts else {"Got through the day without a drink", "Laughed in group"}
    )
    assert section["count"] == 2  # the figures stay
