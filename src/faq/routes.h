#pragma once
#include "auth/service.h"
#include "core/router.h"
#include "faq/service.h"
#include "store/db.h"

namespace mg::faq {

// Staff: entries (CRUD, search, CSV import/export), synonyms, the unanswered log, the test box.
// Public: ask and feedback for the web resident area.
void mount(http::Router& router, auth::AuthService& auth, store::Db& db, FaqService& faq);

// Staff: passages of the town's web pages (upload HTML, fetch URLs, list, delete).
void mount_pages(http::Router& router, auth::AuthService& auth, store::Db& db, FaqService& faq);

// The JSON residents and staff see for one entry.
Json entry_json(const Entry& e);

}  // namespace mg::faq
