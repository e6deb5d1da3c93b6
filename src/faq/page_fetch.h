#pragma once
// Fetching a town's web page for FAQ passages: http/https only, a connect and a total timeout,
// at most kMaxHtmlBytes, at most 3 redirects (each checked again), and never an address of
// this machine or a private network (checked on the address actually connected to, so DNS
// answers and redirects cannot lead there). Blocking: call it outside any transaction.
#include <string>

namespace mg::faq {

struct FetchedPage {
  bool ok = false;
  std::string body;
  std::string error;  // Japanese, for staff
};

// nullopt-style: "" when the URL may be fetched, else why not (Japanese).
std::string check_page_url(const std::string& url);

// allow_loopback: integration tests only (MADOGUCHI_TEST_FETCH_LOOPBACK=1), for a local fake
// site; private ranges stay refused.
FetchedPage fetch_page(const std::string& url, long timeout_ms = 8000, bool allow_loopback = false);

// Whether an address (IPv4 or IPv6 text) is loopback, private, link-local or otherwise not
// on the public internet.
bool is_private_address(const std::string& ip);
bool is_loopback_address(const std::string& ip);

}  // namespace mg::faq
