// An alert system's emergency request (POST /api/public/{tenant}/emergency) as arbitrary bytes:
// the first line is the Idempotency-Key header value, the rest the body, parsed with the
// route's JSON limits and checked by delivery::emergency::parse_request. Beyond "no crash":
// either a 400 ApiError naming a field (when the body is an object), or a text of 1..5000
// UTF-16 units that is not blank, at most 100 districts of 1..100 bytes each, and an audience
// that is everyone exactly when no district is named; a key accepted is 1..200 printable ASCII.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "channels/line/text_units.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "delivery/emergency.h"

using mg::Json;
namespace em = mg::delivery::emergency;

namespace {
void check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer saves the input as a crash
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto nl = input.find('\n');
  std::string key = nl == std::string::npos ? input : input.substr(0, nl);
  std::string text = nl == std::string::npos ? std::string() : input.substr(nl + 1);
  try {
    auto k = em::checked_idempotency_key(key);
    check(!k.empty() && k.size() <= 200);
    for (char c : k) check(c >= 0x21 && c <= 0x7e);
  } catch (const mg::ApiError& e) {
    check(e.status() == 400 && e.field() == "Idempotency-Key");
  }
  Json body;
  try {
    body = mg::parse_json_or_discarded(text, mg::JsonLimits{8, em::kMaxBodyBytes});
  } catch (const mg::ApiError&) {
    return 0;  // over the depth or size limit: a 4xx before the request is read
  }
  if (body.is_discarded()) return 0;
  try {
    auto r = em::parse_request(body);
    check(!r.text.empty() && mg::line::utf16_length(r.text) <= 5000);
    check(r.text.find_first_not_of(" \t\r\n") != std::string::npos);
    check(r.districts.size() <= em::kMaxDistricts);
    for (const auto& d : r.districts) check(!d.empty() && d.size() <= 100);
    Json a = em::audience_for(r);
    check((a["kind"] == "all") == r.districts.empty());
    if (!r.districts.empty()) check(a["condition"]["in"].size() == r.districts.size());
  } catch (const mg::ApiError& e) {
    check(e.status() == 400 && !e.field().empty() == body.is_object());
  }
  return 0;
}
