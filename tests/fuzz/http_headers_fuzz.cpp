// Request headers the server interprets itself: Accept-Encoding (which precompressed asset to
// send) and X-Forwarded-For (the client address behind a trusted proxy). Both come straight
// from the network. Input: the first line is the header value; the rest is ignored.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "app/static_files.h"
#include "core/http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string value(text.substr(0, text.find('\n')));

  // A coding is chosen only among the files that exist.
  for (int avail = 0; avail < 4; ++avail) {
    bool br = avail & 1, gz = avail & 2;
    auto c = mg::app::choose_content_coding(value, br, gz);
    if ((c == mg::app::ContentCoding::br && !br) || (c == mg::app::ContentCoding::gzip && !gz))
      std::abort();
  }

  // The client address is the peer or one of the header's entries, never anything else.
  static const std::vector<std::string> proxies{"127.0.0.1", "::1"};
  std::string addr = mg::http::client_address("127.0.0.1", value, proxies);
  if (addr != "127.0.0.1" && value.find(addr) == std::string::npos) std::abort();
  if (mg::http::client_address("198.51.100.9", value, proxies) != "198.51.100.9") std::abort();
  return 0;
}
