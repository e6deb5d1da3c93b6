#pragma once
// One channel-neutral path for telling a resident something: a status change, a correction
// request, later a campaign. The caller builds a Message and hands it to a Dispatch inside
// its own transaction; the Dispatch picks the implementation the resident's channel
// registered at startup (the web inbox here, LINE's outbox in channels/line). A message
// exists exactly when the state change that caused it commits.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "store/db.h"

namespace mg::messaging {

struct Message {
  std::string kind;   // "status" | "correction" | "notice" (campaigns); [a-z_]{1,40}
  std::string title;  // short heading, e.g. 「申請の状態が変わりました」
  std::string text;   // the body, plain text
  // A path inside our site ("/t/demo/my/correction/3"); empty for none. Never a full URL:
  // the web inbox shows it as an in-app link, so it cannot point elsewhere.
  std::string link;
  std::optional<int64_t> application_id;
  // A chat session the message asks the resident to carry on (a correction): LINE continues
  // the dialog in the chat, the web opens it through `link`. Empty for none.
  std::string resume_session;
  // A PNG inside our site ("/api/public/demo/checkin/…/qr.png") that channels able to show
  // images send with the text (LINE); empty for none. A path, like `link`.
  std::string image;
};
// What the web inbox stores; the campaign fan-out builds these.
using WebMessage = Message;

// The resident a message is for, as the residents table knows them.
struct Recipient {
  int64_t tenant_id = 0;
  int64_t resident_id = 0;
  std::string channel;      // "web" | "line"
  std::string external_id;  // LINE user id, or the web device token's hash
  std::string status;       // "active" | "blocked" (a LINE resident who blocked the account)
};

// A channel's way of delivering: enqueue `m` for `to` inside `tx` (the sending itself, if
// any, happens after commit, e.g. LINE's dispatcher).
class Messenger {
 public:
  virtual ~Messenger() = default;
  virtual void enqueue(store::Tx& tx, const Recipient& to, const Message& m) = 0;
};

// The registry: channels add their Messenger at startup, before any job runs; afterwards it
// is only read, so it needs no lock.
class Dispatch {
 public:
  void add(const std::string& channel, std::shared_ptr<Messenger> messenger);
  // Enqueues `m` for the resident through their channel's Messenger. False when nothing was
  // enqueued: no such resident in this tenant, or no Messenger for their channel.
  bool send(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const Message& m) const;

 private:
  std::map<std::string, std::shared_ptr<Messenger>> channels_;
};

// Checks a message before it is stored: kind, lengths, and a link that is a path inside our
// site. Throws std::invalid_argument (a programming error of the caller, not a user's).
void check(const Message& m);

}  // namespace mg::messaging
