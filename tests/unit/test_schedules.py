import pytest

from plinth_tools import template as tpl
from plinth_tools.local.workers import ScheduledInvoker, rate_seconds


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(1 minute)", 60),
        ("rate(5 minutes)", 300),
        ("rate(2 hours)", 7200),
        ("rate(1 day)", 86400),
    ],
)
def test_rate_expressions(expression, seconds):
    assert rate_seconds(expression) == seconds


def test_cron_is_refused_clearly():
    with pytest.raises(ValueError, match="unsupported schedule"):
        rate_seconds("cron(0 12 * * ? *)")


class FakePool:
    spec = tpl.functions()["JobsSweeperFunction"]

    def __init__(self):
        self.events = []

    def invoke(self, event, request_id):
        self.events.append(event)
        return "ok"


def test_scheduled_invoker_sends_an_eventbridge_scheduled_event():
    pool = FakePool()
    invoker = ScheduledInvoker(pool, tpl.functions()["JobsSweeperFunction"].schedules[0])
    assert invoker.interval == 60
    assert invoker.fire() == "ok"
    (event,) = pool.events
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
