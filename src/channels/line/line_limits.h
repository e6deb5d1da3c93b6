#pragma once
// Limits of LINE message objects we render (messaging-api.yml and LINE's reference; see
// docs/line-channel.md). One place, so the renderer and its validator test agree.
#include <cstddef>

namespace mg::line {

inline constexpr size_t kMaxMessagesPerRequest = 5;
inline constexpr size_t kMaxTextUnits = 5000;
inline constexpr size_t kMaxQuickReplyItems = 13;
inline constexpr size_t kMaxActionLabelUnits = 20;
inline constexpr size_t kMaxPostbackDataUnits = 300;
inline constexpr size_t kMaxDisplayTextUnits = 300;
inline constexpr size_t kMaxAltTextUnits = 1500;

}  // namespace mg::line
