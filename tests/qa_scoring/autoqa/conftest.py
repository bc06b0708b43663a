import datetime as dt
from dataclasses import dataclass

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # a Monday


@dataclass
class Msg:
    id: str
    author_role: str
    text: str
    sent_at: dt.datetime
    author_name: str = ""
    is_internal_note: bool = False


def thread(*items):
    """items: (role, text) or (role, text, minutes after T0) or (role, text, minutes, note)."""
    messages = []
    for index, item in enumerate(items, 1):
        role, text = item[0], item[1]
        minutes = item[2] if len(item) > 2 else index * 10
        note = item[3] if len(item) > 3 else False
        name = {"customer": "Ayşe Yılmaz", "agent": "Dana Cruz", "bot": "Autoreply"}.get(role, "")
        messages.append(Msg(f"m{index}", role, text, T0 + dt.timedelta(minutes=minutes), name, note))
    return messages


def span_text(messages, evidence):
    by_id = {m.id: m for m in messages}
    return [by_id[e.message_id].text[e.start : e.end] for e in evidence]
