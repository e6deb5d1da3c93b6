#pragma once
// 受信設定 on LINE: a small dialog of its own (not a service of the conversation engine, whose
// sessions end in an application with a receipt number). It asks the attributes staff marked
// resident_editable one at a time, in their display order — choices and はい/いいえ as quick
// replies (≤ 13: 9 options a page, page buttons, 設定しない, 次へ), dates with LINE's date
// picker — and saves each answer at once through residents/settings.h, the same rules as the
// web page. It is stateless: every button names the attribute it answers (Postback::Kind::setting,
// s = key), so an old button still does what it says and nothing is stored about the dialog.
// Text and number attributes are left to the web page (the dialog says so).
//
// Entry points: the postback `mg=c&x=settings` (a rich-menu area), or typing 受信設定 /
// 配信設定 / 通知設定.
#include <cstdint>
#include <string>
#include <vector>

#include "channels/line/postback_data.h"
#include "core/json.h"
#include "residents/model.h"
#include "store/db.h"

namespace mg::line {

inline constexpr const char* kReceivingSettingsCommand = "settings";
inline constexpr size_t kSettingOptionsPerPage = 9;

bool is_settings_word(const std::string& text);

// The intro and the first question (LINE message objects).
Json start_receiving_settings(store::Tx& tx, int64_t tenant_id, int64_t resident_id);
// A 受信設定 button; date: the date picker's params.date (empty for other buttons).
Json receiving_settings_tap(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                            const Postback& pb, const std::string& date);

// ---- pure, for unit tests ------------------------------------------------------------------

// Whether the dialog asks this attribute (choice, yes/no, date).
bool asked_on_line(const residents::AttributeDefinition& d);
// One question: "【i/n】label", help, the current value, and its quick replies. `current` is
// the resident's values of this key (text or date); `ack` a line put first (may be empty).
Json settings_question(const residents::AttributeDefinition& d,
                       const std::vector<residents::AttributeValue>& current, size_t index,
                       size_t total, int page, const std::string& ack);
// The option button's value for option i: "o:<i>:<hash of its value>", so a tap after staff
// reordered the options is refused rather than saving another option.
std::string option_token(const residents::AttributeDefinition& d, size_t i);

}  // namespace mg::line
