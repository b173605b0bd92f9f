from plinth.timeutil import format_ms, parse_iso


def test_format_ms_is_utc_with_milliseconds_and_z():
    assert format_ms(1_735_689_600_000) == "2025-01-01T00:00:00.000Z"
    assert format_ms(1_735_689_600_007) == "2025-01-01T00:00:00.007Z"


def test_parse_iso_inverts_format_ms():
    for value in (0, 1_735_689_600_999, 1_795_000_000_123):
        assert parse_iso(format_ms(value)) == value
