"""The per-connection event counters behind SOCKET_EVENT_RATE_LIMIT (facilitator/realtime/events.py)."""

from facilitator.realtime import events


def test_fixed_windows_per_connection_and_closed_ones_forgotten(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(events.time, "monotonic", lambda: now[0])
    counters = events.ConnectionCounters()
    assert [counters.hit("phone-a", 3, 10) for _ in range(4)] == [True, True, True, False]
    assert counters.hit("phone-b", 3, 10)  # another connection has its own window
    now[0] += 9.9
    assert not counters.hit("phone-a", 3, 10)  # same window
    now[0] += 0.2
    assert counters.hit("phone-a", 3, 10)  # a new one
    # A connection that stopped sending is forgotten once its window has passed.
    now[0] += 30
    counters.hit("phone-c", 3, 10)
    assert set(counters._windows) == {"phone-c"}
