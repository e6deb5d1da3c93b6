#pragma once
// Consent to the service's privacy notice (個人情報の取扱い), asked once per session just before
// the first question whose answer is personal data.
#include <string>

#include "conversation/definition.h"
#include "conversation/prompt.h"
#include "conversation/session.h"

namespace mg::conversation {

inline constexpr const char* kConsentPhase = "consent";
inline constexpr const char* kConsentAgree = "__agree__";
inline constexpr const char* kConsentDecline = "__decline__";
inline constexpr const char* kConsentQuit = "__quit__";

enum class ConsentReply { agree, decline, quit, unclear };

// True when `step` must wait for consent: the service has a notice, the step asks personal
// data, and the resident has not agreed in this session (a 不備 correction re-asks answers
// given under the consent recorded with the application, so it does not ask again).
bool needs_consent(const ServiceDefinition& def, const Step& step, const SessionState& state);

// The notice as a question: its text (with the URL, for LINE) and 同意する / 同意しない, or,
// after a refusal, 同意する / やめる. `notice` carries {text, url?, version?} for the web.
Prompt consent_prompt(const PrivacyNotice& notice, const std::string& step_id, bool declined);

// What the resident answered: a choice value, or typed 同意する / 同意しない / やめる.
ConsentReply read_consent(const std::string& choice_value, const std::string& typed_text);

// The record kept with the application: {notice_sha256, notice_version?, agreed_at}.
Json consent_record(const PrivacyNotice& notice, int64_t now_ms);

}  // namespace mg::conversation
