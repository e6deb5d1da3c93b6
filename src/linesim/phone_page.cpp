// The phone-like chat page served at / and /phone?user=U...: a LINE-style view of one virtual
// resident's conversation, driven entirely through the /sim control API.
#include "linesim/phone_page.h"
#include "linesim/platform.h"

namespace mg::linesim {

void Platform::add_phone_routes() {
  auto page = [](http::Request&) {
    return http::Response::text(std::string(phone_page_html()), "text/html; charset=utf-8");
  };
  router_.get("/", page);
  router_.get("/phone", page);
}

}  // namespace mg::linesim
