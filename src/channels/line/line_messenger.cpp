#include "channels/line/line_messenger.h"

#include "channels/line/outbox.h"
#include "channels/line/renderer.h"

namespace mg::line {

void LineMessenger::enqueue(store::Tx& tx, const messaging::Recipient& to,
                            const messaging::Message& m) {
  // A resident who blocked the account cannot be pushed to (LINE answers 403).
  if (to.status == "blocked") return;
  OutgoingMessages out;
  out.tenant_id = to.tenant_id;
  out.user_id = to.external_id;
  std::string text = m.text;
  // The dialog itself is the way in on LINE; elsewhere a link (opened in LINE's browser).
  if (m.resume_session.empty() && !m.link.empty() && !public_url_.empty())
    text += "\n" + public_url_ + m.link;
  out.messages = Json::array({{{"type", "text"}, {"text", text}}});
  // An image (a booking's QR code) only with a public URL: LINE fetches it from our server.
  if (!m.image.empty() && !public_url_.empty())
    out.messages.push_back({{"type", "image"},
                            {"originalContentUrl", public_url_ + m.image},
                            {"previewImageUrl", public_url_ + m.image}});
  if (!m.resume_session.empty()) {
    auto turn = chat_.resume(tx, to.tenant_id, to.resident_id, m.resume_session);
    for (const auto& p : render_prompts(turn.prompts)) out.messages.push_back(p);
  }
  enqueue_messages(tx, out);
}

}  // namespace mg::line
