#include "core/text_encoding.h"

#include <unicode/ucnv.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <memory>
#include <vector>

namespace mg {

bool is_utf8(std::string_view s) {
  int32_t i = 0;
  const auto n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return false;
  }
  return true;
}

std::optional<std::string> cp932_to_utf8(std::string_view bytes) {
  if (bytes.empty()) return std::string();
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> cnv(ucnv_open("windows-31j", &err),
                                                         &ucnv_close);
  if (U_FAILURE(err)) return std::nullopt;
  ucnv_setToUCallBack(cnv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &err);
  // Through UTF-16: each CP932 byte gives at most one UTF-16 unit.
  std::vector<UChar> u16(bytes.size() + 1);
  int32_t len = ucnv_toUChars(cnv.get(), u16.data(), static_cast<int32_t>(u16.size()), bytes.data(),
                              static_cast<int32_t>(bytes.size()), &err);
  if (U_FAILURE(err)) return std::nullopt;
  std::string utf8(static_cast<std::size_t>(len) * 3 + 1, '\0');
  int32_t ulen = 0;
  u_strToUTF8(utf8.data(), static_cast<int32_t>(utf8.size()), &ulen, u16.data(), len, &err);
  if (U_FAILURE(err)) return std::nullopt;
  utf8.resize(static_cast<std::size_t>(ulen));
  return utf8;
}

}  // namespace mg
