#include "linesim/ids.h"

#include <array>
#include <cctype>
#include <random>

#include "core/crypto.h"

namespace mg::linesim::ids {

namespace {

// IDs need to be unique, not secret; a thread-local engine avoids locking.
std::mt19937_64& engine() {
  thread_local std::mt19937_64 eng{std::random_device{}()};
  return eng;
}

std::string random_hex(std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n, '0');
  for (auto& c : out) c = kHex[engine()() & 0xF];
  return out;
}

bool hex_run(std::string_view s, bool lower_only) {
  for (char c : s) {
    bool digit = c >= '0' && c <= '9';
    bool lower = c >= 'a' && c <= 'f';
    bool upper = c >= 'A' && c <= 'F';
    if (!(digit || lower || (!lower_only && upper))) return false;
  }
  return true;
}

bool prefixed_hex(std::string_view s, char prefix) {
  return s.size() == 33 && s[0] == prefix && hex_run(s.substr(1), true);
}

}  // namespace

std::string user_id() { return "U" + random_hex(32); }
std::string reply_token() { return random_hex(32); }

std::string message_id() {
  std::uniform_int_distribution<uint64_t> dist(100000000000000000ULL, 999999999999999999ULL);
  return std::to_string(dist(engine()));
}

// LINE's quote tokens are long opaque strings; a simulator's need not be secret.
std::string quote_token() { return crypto::unique_id(64); }

std::string request_id() {
  std::string h = random_hex(32);
  h[12] = '4';
  h[16] = "89ab"[engine()() & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string rich_menu_id() { return "richmenu-" + random_hex(32); }

std::string webhook_event_id(int64_t now_ms) {
  static constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string out(26, '0');
  auto t = static_cast<uint64_t>(now_ms);
  for (int i = 9; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kCrockford[t & 31];
    t >>= 5;
  }
  for (std::size_t i = 10; i < 26; ++i) out[i] = kCrockford[engine()() & 31];
  return out;
}

bool is_user_id(std::string_view s) { return prefixed_hex(s, 'U'); }
bool is_group_id(std::string_view s) { return prefixed_hex(s, 'C'); }
bool is_room_id(std::string_view s) { return prefixed_hex(s, 'R'); }

bool is_uuid(std::string_view s) {
  static constexpr std::array<std::size_t, 5> kGroups{8, 4, 4, 4, 12};
  std::size_t pos = 0;
  for (std::size_t g = 0; g < kGroups.size(); ++g) {
    if (g > 0) {
      if (pos >= s.size() || s[pos] != '-') return false;
      ++pos;
    }
    if (pos + kGroups[g] > s.size() || !hex_run(s.substr(pos, kGroups[g]), false)) return false;
    pos += kGroups[g];
  }
  return pos == s.size();
}

std::string bot_user_id(std::string_view channel_secret) {
  return "U" + crypto::sha256_hex(std::string("linesim-bot:") + std::string(channel_secret))
                   .substr(0, 32);
}

}  // namespace mg::linesim::ids
