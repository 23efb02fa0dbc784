"""The newest Home Assistant release, run as a real ``hass`` (no test harness exists yet)."""
