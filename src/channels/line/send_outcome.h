#pragma once
// What one answer from LINE means for an outbox row. Pure, so each rule is unit-tested.
#include <string>

#include "core/http_client.h"

namespace mg::line {

struct SendOutcome {
  enum class Verdict {
    sent,              // 2xx, or 409 "already accepted" for a retry key
    retry,             // 429, 5xx, timeout: back off and send again
    fallback_to_push,  // the reply token was expired or used before we ever used it
    failed,            // any other 4xx: retrying cannot help; LINE's body is kept
  };
  Verdict verdict = Verdict::failed;
  // True when LINE may have acted on a reply (5xx/timeout): a later "Invalid reply token"
  // then means our own earlier reply went through.
  bool reply_maybe_delivered = false;
  std::string error;  // LINE's error body or the transport error, for last_error
};

// endpoint: "reply" or "push". earlier_reply_uncertain: an earlier reply attempt for this row
// ended without a clear answer (crash, timeout, 5xx).
SendOutcome classify_response(const std::string& endpoint, const http::ClientResponse& r,
                              bool earlier_reply_uncertain);

}  // namespace mg::line
