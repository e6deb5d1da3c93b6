#include "channels/line/rich_menu_routes.h"

namespace mg::line {

void register_rich_menu_routes(http::Router& router, auth::AuthService& auth, store::Db& db) {
  (void)router;
  (void)auth;
  (void)db;
}

}  // namespace mg::line
