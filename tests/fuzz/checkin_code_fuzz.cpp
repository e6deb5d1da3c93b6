// libFuzzer target: arbitrary bytes as what staff type or the camera reads on the check-in
// page (POST /api/bookings/checkin {token}) and as the {code} of the public QR image URL,
// through parse_checkin_code. Properties: nothing throws; an accepted code is 16 Crockford
// base32 characters, parses to itself again, and its printed form (XXXX-XXXX-XXXX-XXXX) parses
// back to it; its QR code renders as SVG and PNG.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "reservations/notices.h"

using namespace mg::reservations;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto code = parse_checkin_code(raw);
  if (!code) return 0;
  if (code->size() != 16 ||
      code->find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ") != std::string::npos)
    std::abort();
  if (parse_checkin_code(*code) != code) std::abort();
  if (parse_checkin_code(format_checkin_code(*code)) != code) std::abort();
  if (qr_svg(*code).rfind("<svg ", 0) != 0) std::abort();
  if (qr_png(*code).rfind("\x89PNG", 0) != 0) std::abort();
  return 0;
}
