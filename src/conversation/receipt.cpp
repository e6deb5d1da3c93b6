#include "conversation/receipt.h"

#include <cctype>
#include <stdexcept>

namespace mg::conversation {
namespace {

constexpr uint64_t kHalfBits = 19;
constexpr uint64_t kHalfMask = (uint64_t{1} << kHalfBits) - 1;
constexpr uint64_t kBase = kReceiptAlphabet.size();
constexpr int kPayloadChars = 8;  // 29^8 > 2^38

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

uint64_t mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// A balanced Feistel network is a permutation of the 38-bit domain whatever the round
// function, which is what makes receipt numbers unique.
uint64_t scramble(uint64_t v, uint64_t key) {
  uint64_t left = v >> kHalfBits, right = v & kHalfMask;
  for (uint64_t round = 0; round < 4; ++round) {
    uint64_t f = mix(right ^ mix(key + round)) & kHalfMask;
    uint64_t next = left ^ f;
    left = right;
    right = next;
  }
  return (left << kHalfBits) | right;
}

int index_of(char c) {
  auto pos = kReceiptAlphabet.find(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// Weighted sum modulo 29 (a prime) with distinct weights: catches every single-character error
// and every swap of two payload characters.
char check_char(std::string_view payload) {
  uint64_t sum = 0;
  for (size_t i = 0; i < payload.size(); ++i)
    sum += (i + 1) * static_cast<uint64_t>(index_of(payload[i]));
  return kReceiptAlphabet[sum % kBase];
}

std::string compact(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' || c == ' ') continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::string receipt_number(uint64_t sequence, std::string_view tenant_salt) {
  if (sequence >= kReceiptDomain) throw std::out_of_range("receipt sequence too large");
  uint64_t v = scramble(sequence, fnv1a(tenant_salt));
  std::string payload(kPayloadChars, kReceiptAlphabet[0]);
  for (int i = kPayloadChars - 1; i >= 0; --i) {
    payload[i] = kReceiptAlphabet[v % kBase];
    v /= kBase;
  }
  std::string all = payload + check_char(payload);
  return all.substr(0, 3) + "-" + all.substr(3, 3) + "-" + all.substr(6, 3);
}

bool receipt_number_valid(std::string_view receipt) {
  return !normalize_receipt_number(receipt).empty();
}

std::string normalize_receipt_number(std::string_view receipt) {
  std::string c = compact(receipt);
  if (c.size() != kPayloadChars + 1) return {};
  for (char ch : c)
    if (index_of(ch) < 0) return {};
  if (check_char(std::string_view(c).substr(0, kPayloadChars)) != c.back()) return {};
  return c.substr(0, 3) + "-" + c.substr(3, 3) + "-" + c.substr(6, 3);
}

bool shows_receipt_number(const ServiceDefinition& def) {
  switch (def.kind) {
    case ServiceKind::application:
      return true;
    case ServiceKind::survey:
      return false;
  }
  return true;
}

}  // namespace mg::conversation
