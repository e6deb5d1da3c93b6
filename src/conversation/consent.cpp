#include "conversation/consent.h"

#include "conversation/normalize.h"

namespace mg::conversation {

bool needs_consent(const ServiceDefinition& def, const Step& step, const SessionState& state) {
  return def.privacy_notice && state.consent.is_null() && !state.correcting &&
         asks_personal_data(step);
}

Prompt consent_prompt(const PrivacyNotice& notice, const std::string& step_id, bool declined) {
  Prompt p;
  p.type = Prompt::Type::question;
  p.step_id = step_id;
  p.input = "consent";
  p.text = "【個人情報の取扱いについて】\n" + notice.text;
  if (!notice.url.empty()) p.text += "\n詳しくは：" + notice.url;
  p.text += declined
                ? "\n\n同意いただけない場合、この手続きは続けられません。"
                  "同意いただける場合は「同意する」を、やめる場合は「やめる」を選んでください。"
                : "\n\n上記の内容に同意いただける場合は「同意する」を選んでください。";
  p.choices.emplace_back(kConsentAgree, "同意する");
  if (declined)
    p.choices.emplace_back(kConsentQuit, "やめる");
  else
    p.choices.emplace_back(kConsentDecline, "同意しない");
  p.notice = Json{{"text", notice.text}, {"declined", declined}};
  if (!notice.url.empty()) p.notice["url"] = notice.url;
  if (!notice.version.empty()) p.notice["version"] = notice.version;
  return p;
}

ConsentReply read_consent(const std::string& choice_value, const std::string& typed_text) {
  if (choice_value == kConsentAgree) return ConsentReply::agree;
  if (choice_value == kConsentDecline) return ConsentReply::decline;
  if (choice_value == kConsentQuit) return ConsentReply::quit;
  std::string t = normalize_text(typed_text);
  if (t == "同意する" || t == "同意します" || t == "同意" || t == "はい")
    return ConsentReply::agree;
  if (t == "同意しない" || t == "同意しません" || t == "いいえ") return ConsentReply::decline;
  return ConsentReply::unclear;
}

Json consent_record(const PrivacyNotice& notice, int64_t now_ms) {
  Json j{{"notice_sha256", notice.sha256}, {"agreed_at", now_ms}};
  if (!notice.version.empty()) j["notice_version"] = notice.version;
  return j;
}

}  // namespace mg::conversation
