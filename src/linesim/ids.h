#pragma once
// Identifier formats that LINE uses, so bots that validate IDs accept ours.
#include <cstdint>
#include <string>
#include <string_view>

namespace mg::linesim::ids {

std::string user_id();                         // "U" + 32 lower-case hex, like a real LINE user ID
std::string reply_token();                     // 32 hex characters
std::string message_id();                      // decimal string, 18 digits, like LINE message IDs
std::string quote_token();                     // opaque URL-safe token
std::string request_id();                      // UUID v4, used for X-Line-Request-Id
std::string rich_menu_id();                    // "richmenu-" + 32 hex
std::string webhook_event_id(int64_t now_ms);  // ULID: 10 time chars + 16 random, Crockford

bool is_user_id(std::string_view s);   // ^U[0-9a-f]{32}$
bool is_group_id(std::string_view s);  // ^C[0-9a-f]{32}$
bool is_room_id(std::string_view s);   // ^R[0-9a-f]{32}$
bool is_uuid(std::string_view s);      // 8-4-4-4-12 hex, any case
// The bot's own user ID; derived from the secret so it is stable across restarts.
std::string bot_user_id(std::string_view channel_secret);

}  // namespace mg::linesim::ids
