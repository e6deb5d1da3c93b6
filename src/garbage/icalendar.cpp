#include "garbage/icalendar.h"

#include <cstdio>

#include "core/crypto.h"
#include "garbage/schedule.h"

namespace mg::garbage {

namespace {

std::string escape_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ';' || c == ',') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out.push_back(c);
    }
  }
  return out;
}

// Content lines are folded at 75 octets, never inside a UTF-8 character.
void line(std::string& out, const std::string& content) {
  std::size_t start = 0, limit = 75;
  while (content.size() - start > limit) {
    std::size_t cut = start + limit;
    while (cut > start && (static_cast<unsigned char>(content[cut]) & 0xC0) == 0x80) --cut;
    out.append(content, start, cut - start);
    out += "\r\n ";
    start = cut;
    limit = 74;  // the leading space counts
  }
  out.append(content, start, std::string::npos);
  out += "\r\n";
}

std::string compact(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

}  // namespace

std::string icalendar(const GarbageCalendar& cal, const Area& area, Date from, Date to,
                      const std::string& calendar_name, const std::string& uid_domain,
                      const std::string& stamp) {
  using std::chrono::days;
  using std::chrono::sys_days;
  std::string out;
  line(out, "BEGIN:VCALENDAR");
  line(out, "VERSION:2.0");
  line(out, "PRODID:-//madoguchi//garbage calendar//JA");
  line(out, "CALSCALE:GREGORIAN");
  line(out, "X-WR-CALNAME:" + escape_text(calendar_name));
  line(out, "X-WR-TIMEZONE:Asia/Tokyo");
  std::string area_key = crypto::sha256_hex(area.name).substr(0, 12);
  for (sys_days d{from}; d <= sys_days{to}; d += days{1}) {
    auto labels = collected_on(cal, area, Date{d});
    if (labels.empty()) continue;
    std::string summary;
    for (const auto& l : labels) summary += (summary.empty() ? "" : "・") + l;
    line(out, "BEGIN:VEVENT");
    line(out, "UID:" + compact(Date{d}) + "-" + area_key + "@" + uid_domain);
    line(out, "DTSTAMP:" + stamp);
    line(out, "DTSTART;VALUE=DATE:" + compact(Date{d}));
    line(out, "DTEND;VALUE=DATE:" + compact(Date{d + days{1}}));
    line(out, "SUMMARY:" + escape_text(summary));
    line(out, "TRANSP:TRANSPARENT");
    line(out, "END:VEVENT");
  }
  line(out, "END:VCALENDAR");
  return out;
}

}  // namespace mg::garbage
