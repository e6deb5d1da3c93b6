#include "reservations/notices.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

#include "auth/service.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "reservations/qrcodegen/qrcodegen.hpp"

namespace mg::reservations {

namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;
constexpr const char* kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t kCodeLength = 16;

void random_bytes(unsigned char* out, int n) {
  if (RAND_bytes(out, n) != 1) throw std::runtime_error("RAND_bytes failed");
}

}  // namespace

std::string new_checkin_code() {
  std::array<unsigned char, kCodeLength> raw{};
  random_bytes(raw.data(), static_cast<int>(raw.size()));
  std::string out;
  // 5 bits of each byte: 16 × 5 = 80 random bits.
  for (unsigned char c : raw) out.push_back(kCrockford[c & 31]);
  return out;
}

std::string new_pin() {
  for (;;) {
    std::array<unsigned char, 4> raw{};
    random_bytes(raw.data(), static_cast<int>(raw.size()));
    uint32_t v = (uint32_t{raw[0]} << 24) | (uint32_t{raw[1]} << 16) | (uint32_t{raw[2]} << 8) |
                 uint32_t{raw[3]};
    // Below the largest multiple of 10^6 only, so every PIN is equally likely.
    constexpr uint32_t kLimit = 4294000000u;
    if (v >= kLimit) continue;
    std::string s = std::to_string(v % 1000000);
    return std::string(6 - s.size(), '0') + s;
  }
}

std::optional<std::string> parse_checkin_code(std::string_view raw) {
  if (raw.size() > 200) return std::nullopt;
  std::string out;
  for (char c : raw) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'I' || c == 'L') c = '1';
    if (c == 'O') c = '0';
    if (std::string_view(kCrockford).find(c) == std::string_view::npos) return std::nullopt;
    out.push_back(c);
    if (out.size() > kCodeLength) return std::nullopt;
  }
  if (out.size() != kCodeLength) return std::nullopt;
  return out;
}

std::string format_checkin_code(const std::string& code) {
  std::string out;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back('-');
    out.push_back(code[i]);
  }
  return out;
}

// ---- QR images ----

namespace {

qrcodegen::QrCode qr_of(const std::string& code) {
  return qrcodegen::QrCode::encodeText(format_checkin_code(code).c_str(),
                                       qrcodegen::QrCode::Ecc::MEDIUM);
}

uint32_t crc32(const std::string& data, std::size_t from) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = from; i < data.size(); ++i)
    c = table[(c ^ static_cast<unsigned char>(data[i])) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void put32(std::string& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xFF));
}

void chunk(std::string& png, const char* type, const std::string& data) {
  put32(png, static_cast<uint32_t>(data.size()));
  std::size_t start = png.size();
  png += type;
  png += data;
  put32(png, crc32(png, start));
}

}  // namespace

std::string qr_svg(const std::string& code) {
  auto qr = qr_of(code);
  const int border = 4, size = qr.getSize() + 2 * border;
  std::string path;
  for (int y = 0; y < qr.getSize(); ++y)
    for (int x = 0; x < qr.getSize(); ++x)
      if (qr.getModule(x, y))
        path += "M" + std::to_string(x + border) + "," + std::to_string(y + border) + "h1v1h-1z";
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
         std::to_string(size) +
         "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"受付用QRコード\">"
         "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"" +
         path + "\"/></svg>";
}

std::string qr_png(const std::string& code) {
  // A 1-bit grey PNG; the image data stored uncompressed (deflate's stored blocks), which is
  // small enough at this size and needs no compression library.
  auto qr = qr_of(code);
  const int scale = 8, border = 4, modules = qr.getSize() + 2 * border, side = modules * scale;
  const int row_bytes = (side + 7) / 8;
  std::string raw;
  for (int y = 0; y < side; ++y) {
    raw.push_back(0);  // filter: none
    std::string row(static_cast<std::size_t>(row_bytes), '\0');
    for (int x = 0; x < side; ++x) {
      int mx = x / scale - border, my = y / scale - border;
      bool dark =
          mx >= 0 && my >= 0 && mx < qr.getSize() && my < qr.getSize() && qr.getModule(mx, my);
      if (!dark) row[static_cast<std::size_t>(x / 8)] |= static_cast<char>(0x80 >> (x % 8));
    }
    raw += row;
  }
  std::string z = "\x78\x01";
  for (std::size_t at = 0; at < raw.size() || at == 0;) {
    std::size_t n = std::min<std::size_t>(65535, raw.size() - at);
    bool last = at + n >= raw.size();
    z.push_back(last ? 1 : 0);
    z.push_back(static_cast<char>(n & 0xFF));
    z.push_back(static_cast<char>(n >> 8));
    z.push_back(static_cast<char>(~n & 0xFF));
    z.push_back(static_cast<char>((~n >> 8) & 0xFF));
    z.append(raw, at, n);
    at += n;
    if (last) break;
  }
  uint32_t a = 1, b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  put32(z, (b << 16) | a);
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  put32(ihdr, static_cast<uint32_t>(side));
  put32(ihdr, static_cast<uint32_t>(side));
  ihdr +=
      std::string("\x01\x00\x00\x00\x00", 5);  // depth 1, grey, deflate, no filter, no interlace
  chunk(png, "IHDR", ihdr);
  chunk(png, "IDAT", z);
  chunk(png, "IEND", "");
  return png;
}

// ---- reminders ----

bool valid_reminder_time(const std::string& s) {
  return s.size() == 5 && s[2] == ':' && std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::isdigit(static_cast<unsigned char>(s[1])) &&
         std::isdigit(static_cast<unsigned char>(s[3])) &&
         std::isdigit(static_cast<unsigned char>(s[4])) && std::stoi(s.substr(0, 2)) < 24 &&
         std::stoi(s.substr(3, 2)) < 60;
}

std::optional<int64_t> reminder_due(const Resource& r, int64_t slot_start) {
  if (r.reminder_days_before < 0 || !valid_reminder_time(r.reminder_time)) return std::nullopt;
  int64_t day = jst_midnight_ms(jst_date(slot_start));
  return day - int64_t{r.reminder_days_before} * kDayMs +
         int64_t{std::stoi(r.reminder_time.substr(0, 2))} * 3600000 +
         int64_t{std::stoi(r.reminder_time.substr(3, 2))} * 60000;
}

void enqueue_notice(store::Tx& tx, int64_t tenant_id, int64_t booking_id, const std::string& kind,
                    const std::string& reason) {
  jobs::EnqueueOptions opt;
  opt.tenant_id = tenant_id;
  jobs::enqueue(tx, "reservations.booking_notice",
                {{"booking_id", booking_id}, {"kind", kind}, {"reason", reason}}, opt);
}

std::string slot_text(int64_t start, int64_t end) {
  static const char* kWeekdays[] = {"日", "月", "火", "水", "木", "金", "土"};
  auto wd = std::chrono::weekday{std::chrono::sys_days{jst_date(start)}}.c_encoding();
  return clock::format_jst(start, "%m月%d日") + "（" + kWeekdays[wd] + "）" +
         clock::format_jst(start, "%H:%M") + "〜" + clock::format_jst(end, "%H:%M");
}

namespace {

// Sends `kind` for the booking unless it was sent before; in the caller's write transaction.
// Returns whether a message was enqueued.
bool deliver(store::Tx& tx, const messaging::Dispatch& messengers, int64_t tenant_id,
             int64_t booking_id, const std::string& kind, const std::string& reason,
             int64_t now_ms) {
  // The claim: a second run (a retried job, a restarted process, two sweeps at once) finds
  // the row and stops; on PostgreSQL a concurrent claimer waits for this one's commit.
  if (tx.exec("INSERT INTO booking_messages(booking_id, kind, tenant_id, sent_at) VALUES (?, ?, "
              "?, ?) ON CONFLICT DO NOTHING",
              {booking_id, kind, tenant_id, now_ms}) == 0)
    return false;
  // The booking with what the message says of its resource and municipality, in one read
  // (this runs once per booking).
  auto row = tx.one(
      "SELECT b.id, b.resident_id, b.status, b.slot_start, b.party, b.group_id, b.pin, "
      "b.checkin_token, r.name, r.slot_minutes, t.code, CASE WHEN b.group_id IS NULL THEN 1 ELSE "
      "(SELECT COUNT(*) FROM bookings g WHERE g.tenant_id = b.tenant_id AND g.group_id = "
      "b.group_id) END FROM bookings b JOIN resources r ON r.id = b.resource_id AND r.tenant_id = "
      "b.tenant_id JOIN tenants t ON t.id = b.tenant_id WHERE b.tenant_id = ? AND b.id = ?",
      {tenant_id, booking_id});
  if (!row || row->is_null(1)) return false;
  int64_t resident_id = row->i64(1), slot_start = row->i64(3), party = row->i64(4);
  // A confirmation or reminder of a booking cancelled meanwhile says nothing.
  if (kind != "cancel" && row->str(2) != "booked") return false;
  std::string pin = row->str(6), checkin_token = row->str(7);
  std::string resource_name = row->str(8), tenant_code = row->str(10);
  int64_t slots = std::max<int64_t>(1, row->i64(11));
  int64_t end = slot_start + slots * row->i64(9) * 60000;
  messaging::Message m;
  m.kind = "reservation";
  m.link = "/t/" + tenant_code + "/bookings";
  std::string what = resource_name + "\n" + slot_text(slot_start, end) +
                     "\n人数: " + std::to_string(party) +
                     "\n予約番号: " + std::to_string(booking_id);
  std::string access;
  if (!pin.empty())
    access += "\n\nスマートロックの暗証番号: " + pin + "\n（" + slot_text(slot_start, end) +
              " のあいだだけ使えます）";
  if (!checkin_token.empty()) {
    access += "\n\n受付コード: " + format_checkin_code(checkin_token) +
              "\n当日は受付で QR コード（予約の確認ページにあります）をお見せください。";
    // LINE shows the code's QR image; the URL carries only the random code.
    m.image = "/api/public/" + tenant_code + "/checkin/" + checkin_token + "/qr.png";
  }
  if (kind == "confirm") {
    m.title = "予約が確定しました";
    m.text = "次のとおり予約を受け付けました。\n\n" + what + access;
  } else if (kind == "change") {
    m.title = "予約が変更されました";
    m.text = "予約を次の日時に変更しました。\n\n" + what + access;
    if (!reason.empty()) m.text += "\n\n変更の理由: " + reason;
  } else if (kind == "reminder") {
    m.title = "ご予約の日が近づいています";
    m.text = "ご予約のお知らせです。\n\n" + what + access +
             "\n\n都合が悪くなったときは、予約の確認ページから変更・取り消しができます。";
  } else if (kind == "cancel") {
    m.title = "予約が取り消されました";
    m.text = "次の予約は市町村の職員が取り消しました。\n\n" + what +
             (reason.empty() ? "" : "\n\n取り消しの理由: " + reason) +
             "\n\nご不明な点は窓口へお問い合わせください。";
    m.image.clear();
  } else {
    return false;
  }
  if (!messengers.send(tx, tenant_id, resident_id, m)) {
    log::warn("booking message not delivered: no channel", {{"booking", booking_id}});
    return false;
  }
  return true;
}

}  // namespace

int send_due_reminders(store::Db& db, const messaging::Dispatch& messengers, int64_t now_ms) {
  struct Due {
    int64_t tenant_id, booking_id;
  };
  // Bookings starting within the next 8 days (reminders go at most 7 days before the day)
  // with no reminder yet; whether each is due follows its resource's setting.
  auto due = db.read([&](store::Tx& tx) {
    std::vector<Due> out;
    tx.each(
        "SELECT b.tenant_id, b.id, b.slot_start, b.created_at, r.reminder_days_before, "
        "r.reminder_time FROM bookings b JOIN resources r ON r.id = b.resource_id WHERE "
        "b.status = 'booked' AND b.resident_id IS NOT NULL AND b.slot_start > ? AND "
        "b.slot_start <= ? AND (b.group_id IS NULL OR b.group_id = b.id) AND "
        "r.reminder_days_before >= 0 AND NOT EXISTS (SELECT 1 FROM booking_messages m WHERE "
        "m.booking_id = b.id AND m.kind = 'reminder') ORDER BY b.slot_start LIMIT 2000",
        {now_ms, now_ms + 9 * kDayMs}, [&](const store::Row& row) {
          Resource r;
          r.reminder_days_before = static_cast<int>(row.i64(4));
          r.reminder_time = row.str(5);
          auto at = reminder_due(r, row.i64(2));
          // Booked after the reminder's time: the confirmation just told them.
          if (at && *at <= now_ms && row.i64(3) < *at) out.push_back({row.i64(0), row.i64(1)});
          return true;
        });
    return out;
  });
  int sent = 0;
  for (std::size_t i = 0; i < due.size(); i += 100) {
    sent += db.write([&](store::Tx& tx) {
      int n = 0;
      for (std::size_t j = i; j < due.size() && j < i + 100; ++j)
        n += deliver(tx, messengers, due[j].tenant_id, due[j].booking_id, "reminder", "", now_ms)
                 ? 1
                 : 0;
      return n;
    });
  }
  return sent;
}

std::optional<Booking> booking_by_code(store::Tx& tx, int64_t tenant_id, const std::string& code) {
  auto row = tx.one("SELECT id FROM bookings WHERE tenant_id = ? AND checkin_token = ?",
                    {tenant_id, code});
  if (!row) return std::nullopt;
  return find_booking(tx, tenant_id, row->i64(0));
}

CheckIn check_in(store::Db& db, const auth::Principal& staff, const std::string& code,
                 int64_t now_ms) {
  return db.write([&](store::Tx& tx) {
    auto b = booking_by_code(tx, staff.tenant_id, code);
    if (!b) throw ApiError::not_found("この受付コードの予約は見つかりません");
    auto r = find_resource(tx, staff.tenant_id, b->resource_id);
    std::string name = r ? r->name : "";
    if (b->status != "booked")
      throw ApiError(409, "cancelled", "この予約は取り消されています", "token")
          .with_details({{"slot", format_slot(b->slot_start)}, {"resource_name", name}});
    if (b->checked_in_at)
      throw ApiError(409, "already_checked_in",
                     clock::format_jst(*b->checked_in_at, "%H:%M") + " に受付済みです", "token")
          .with_details({{"checked_in_at", *b->checked_in_at},
                         {"slot", format_slot(b->slot_start)},
                         {"resource_name", name},
                         {"party", b->party}});
    // The guard on checked_in_at keeps it once if two scanners race (PostgreSQL).
    int64_t changed = tx.exec(
        "UPDATE bookings SET checked_in_at = ?, checked_in_by = ?, updated_at = ? WHERE "
        "tenant_id = ? AND checked_in_at IS NULL AND status = 'booked' AND " +
            std::string(b->group_id ? "group_id = ?" : "id = ?"),
        {now_ms, staff.staff_id, now_ms, staff.tenant_id, b->group_id.value_or(b->id)});
    if (changed == 0) throw ApiError(409, "already_checked_in", "受付済みです", "token");
    auth::audit(tx, staff, "booking.checkin", "booking", std::to_string(b->id),
                {{"resource_id", b->resource_id}});
    b->checked_in_at = now_ms;
    b->checked_in_by = staff.staff_id;
    return CheckIn{*b, name};
  });
}

void register_notice_jobs(jobs::Runner& runner, store::Db& db,
                          const messaging::Dispatch& messengers, const Clock& clock) {
  runner.handle("reservations.booking_notice", [&db, &messengers, &clock](const jobs::Job& job) {
    if (!job.tenant_id) return;
    // One message queued through the Messenger (no outbound call here): a short write, grouped
    // with the bookings of a rush.
    db.write_grouped([&](store::Tx& tx) {
      deliver(tx, messengers, *job.tenant_id, job.payload.value("booking_id", int64_t{0}),
              job.payload.value("kind", std::string()), job.payload.value("reason", std::string()),
              clock.now_ms());
    });
  });
  runner.handle("reservations.reminders", [&db, &messengers, &clock](const jobs::Job&) {
    send_due_reminders(db, messengers, clock.now_ms());
  });
  runner.every("reservations.reminders", "reservations.reminders", Json::object(), 60 * 1000);
}

}  // namespace mg::reservations
