#pragma once
// The LINE channel's Messenger: a channel-neutral message becomes a push through line_outbox
// (today's dispatcher sends it after commit). A message that asks the resident to carry on a
// chat session (a correction) continues that dialog in the LINE chat: its questions follow
// the text, rendered for LINE.
#include <string>

#include "applications/chat.h"
#include "messaging/messenger.h"

namespace mg::line {

class LineMessenger : public messaging::Messenger {
 public:
  // `public_url` (no trailing slash) turns a message's site link into a URL LINE can open;
  // empty leaves links out.
  LineMessenger(applications::ChatService& chat, std::string public_url)
      : chat_(chat), public_url_(std::move(public_url)) {
    while (!public_url_.empty() && public_url_.back() == '/') public_url_.pop_back();
  }
  void enqueue(store::Tx& tx, const messaging::Recipient& to, const messaging::Message& m) override;

 private:
  applications::ChatService& chat_;
  std::string public_url_;
};

}  // namespace mg::line
