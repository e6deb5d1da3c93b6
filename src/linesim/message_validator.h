#pragma once
// Validates Messaging API message and action objects the way LINE does (messaging-api.yml
// plus the documented character limits), reporting each problem with its JSON path.
#include <string>

#include "core/json.h"
#include "linesim/line_error.h"

namespace mg::linesim {

// Where an action appears: labels are required in some places and optional in others.
enum class ActionSite { quick_reply, template_action, flex, rich_menu, default_action };

// body["messages"]: 1..5 message objects.
void validate_messages(const Json& body, Problems& problems);
void validate_message(const Json& message, const std::string& path, Problems& problems);
void validate_action(const Json& action, const std::string& path, ActionSite site,
                     Problems& problems);

namespace limits {
inline constexpr std::size_t kMessagesPerRequest = 5;
inline constexpr std::size_t kTextLength = 5000;
inline constexpr std::size_t kAltText = 1500;
inline constexpr std::size_t kQuickReplyItems = 13;
inline constexpr std::size_t kActionLabel = 20;
inline constexpr std::size_t kPostbackData = 300;
inline constexpr std::size_t kUrlLength = 2000;
inline constexpr std::size_t kUriActionLength = 1000;
inline constexpr std::size_t kFlexCarouselBubbles = 12;
inline constexpr std::size_t kTemplateColumns = 10;
}  // namespace limits

}  // namespace mg::linesim
