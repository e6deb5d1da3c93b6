#include "messaging/messenger.h"

#include <stdexcept>

#include "residents/store.h"

namespace mg::messaging {

void Dispatch::add(const std::string& channel, std::shared_ptr<Messenger> messenger) {
  channels_[channel] = std::move(messenger);
}

bool Dispatch::send(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const Message& m) const {
  check(m);
  // The resident's own row names their channel; the identity on it is the address.
  auto r = residents::by_id(tx, tenant_id, resident_id);
  if (!r) return false;
  auto ids = residents::identities_on(tx, tenant_id, r->channel, resident_id);
  if (ids.empty()) return false;
  auto it = channels_.find(r->channel);
  if (it == channels_.end()) return false;
  it->second->enqueue(tx, {tenant_id, resident_id, r->channel, ids.front().external_id, r->status},
                      m);
  return true;
}

namespace {
bool has_control(const std::string& s, bool allow_newline) {
  for (unsigned char c : s)
    if ((c < 0x20 && !(allow_newline && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
      return true;
  return false;
}
}  // namespace

void check(const Message& m) {
  if (m.kind.empty() || m.kind.size() > 40 ||
      m.kind.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
    throw std::invalid_argument("message kind must be [a-z_]{1,40}");
  if (m.title.size() > 400 || has_control(m.title, false))
    throw std::invalid_argument("message title too long or has control characters");
  if (m.text.empty() || m.text.size() > 15000 || has_control(m.text, true))
    throw std::invalid_argument("message text empty, too long or has control characters");
  // Same-site paths only: "/x", never "//host" or "/\host" (browsers read both as a host),
  // never a scheme.
  for (const std::string* path : {&m.link, &m.image})
    if (!path->empty() &&
        (path->size() > 500 || (*path)[0] != '/' || (path->size() > 1 && (*path)[1] == '/') ||
         path->find('\\') != std::string::npos || has_control(*path, false)))
      throw std::invalid_argument("message link and image must be paths inside the site");
}

}  // namespace mg::messaging
