"""Reads an .ics file with the icalendar package and prints what the calendar tests check, as JSON.

Usage: python read_ics.py FILE
"""

import datetime
import json
import sys

import icalendar


def when(event, name):
    prop = event[name]
    value = prop.dt
    out = {"tzid": prop.params.get("TZID"), "value_type": prop.params.get("VALUE")}
    if isinstance(value, datetime.datetime):
        out["kind"] = "datetime"
        out["local"] = value.replace(tzinfo=None).isoformat()
        out["utc"] = value.astimezone(datetime.timezone.utc).isoformat() if value.tzinfo else None
    else:
        out["kind"] = "date"
        out["local"] = value.isoformat()
    return out


def main(path):
    with open(path, "rb") as f:
        raw = f.read()
    calendar = icalendar.Calendar.from_ical(raw)
    events = []
    for event in calendar.walk("VEVENT"):
        alarms = []
        for alarm in event.walk("VALARM"):
            trigger = alarm["TRIGGER"].dt
            alarms.append({
                "action": str(alarm["ACTION"]),
                "minutes_before": int(-trigger.total_seconds() // 60),
            })
        events.append({
            "uid": str(event["UID"]),
            "summary": str(event["SUMMARY"]),
            "sequence": int(event.get("SEQUENCE", 0)),
            "dtstamp": event["DTSTAMP"].dt.isoformat(),
            "last_modified": event["LAST-MODIFIED"].dt.isoformat(),
            "start": when(event, "DTSTART"),
            "end": when(event, "DTEND"),
            "alarms": alarms,
        })
    print(json.dumps({
        "version": str(calendar["VERSION"]),
        "name": str(calendar.get("X-WR-CALNAME", "")),
        "time_zones": [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")],
        "crlf_only": b"\n" not in raw.replace(b"\r\n", b""),
        "longest_line": max(len(line) for line in raw.split(b"\r\n")),
        "events": events,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
