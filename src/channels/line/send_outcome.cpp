#include "channels/line/send_outcome.h"

namespace mg::line {

SendOutcome classify_response(const std::string& endpoint, const http::ClientResponse& r,
                              bool earlier_reply_uncertain) {
  using V = SendOutcome::Verdict;
  SendOutcome o;
  o.error = r.status == 0 ? "transport: " + r.error
                          : "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 2000);
  if (r.status >= 200 && r.status < 300) return {V::sent, false, ""};
  if (r.status == 409 && !r.header("x-line-accepted-request-id").empty())
    return {V::sent, false, ""};
  if (r.status == 0 || r.status >= 500) {
    o.verdict = V::retry;
    o.reply_maybe_delivered = endpoint == "reply";
    return o;
  }
  if (r.status == 429) {
    o.verdict = V::retry;
    return o;
  }
  if (endpoint == "reply" && r.status == 400 &&
      r.body.find("Invalid reply token") != std::string::npos) {
    // Reply tokens are single-use: after our own unanswered attempt, "invalid" means it was used.
    o.verdict = earlier_reply_uncertain ? V::sent : V::fallback_to_push;
    return o;
  }
  o.verdict = V::failed;
  return o;
}

}  // namespace mg::line
