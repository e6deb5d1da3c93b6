#pragma once
// A district's collection days as an iCalendar feed (RFC 5545) residents subscribe to in
// their phone's calendar. Pure.
#include <string>

#include "garbage/model.h"

namespace mg::garbage {

// All-day events from `from` to `to` inclusive, one per day with collections; `uid_domain`
// makes UIDs unique per municipality, `stamp` is DTSTAMP (UTC, e.g. 20261130T120000Z).
std::string icalendar(const GarbageCalendar& cal, const Area& area, Date from, Date to,
                      const std::string& calendar_name, const std::string& uid_domain,
                      const std::string& stamp);

}  // namespace mg::garbage
