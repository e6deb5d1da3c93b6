#pragma once
// The Messaging API calls for rich menus, for admin actions that run in the request. Any
// refusal by LINE becomes ApiError 502 carrying LINE's status and error body.
#include <string>
#include <vector>

#include "channels/line/line_api.h"
#include "channels/line/rich_menu_store.h"
#include "store/db.h"

namespace mg::line {

class RichMenuLine {
 public:
  explicit RichMenuLine(LineEndpoint ep) : ep_(std::move(ep)) {}
  // The tenant's endpoint; ApiError 409 when no access token is configured.
  static RichMenuLine for_tenant(store::Db& db, int64_t tenant_id);

  std::string create(const Json& menu);  // -> richMenuId
  // false when LINE already has an image for the menu (uploaded before a crash).
  bool upload_image(const std::string& rich_menu_id, const std::string& bytes,
                    const std::string& content_type);
  void set_default(const std::string& rich_menu_id);
  void clear_default();
  // Split into LINE's batches of 500 user IDs.
  void bulk_link(const std::vector<std::string>& user_ids, const std::string& rich_menu_id);
  void bulk_unlink(const std::vector<std::string>& user_ids);

  // Creates the menu on LINE and uploads its image only when missing, recording each step
  // right away, so the image of a given sha256 goes up once. Returns the LINE menu ID.
  std::string ensure(store::Db& db, StoredRichMenu& menu);

 private:
  http::ClientResponse send(const std::string& method, const std::string& url,
                            const std::string& content_type, const std::string& body,
                            const char* what);
  LineEndpoint ep_;
};

}  // namespace mg::line
