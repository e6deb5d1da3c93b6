#pragma once
// Passages of the town's web pages kept for FAQ answers (migration 35: faq_passages), one set
// per source (the page's URL, or "file:NAME" for an upload without one); importing a source
// again replaces its passages. In the index a passage is an Entry with a negative id.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "faq/html_passages.h"
#include "faq/model.h"
#include "store/db.h"

namespace mg::faq {

struct PageSource {
  std::string source;  // URL or file:NAME
  std::string title;
  int64_t passages = 0;
  int64_t imported_at = 0;
};

constexpr std::size_t kMaxPageSources = 2000;  // per tenant

// Replaces the source's passages; returns how many were kept.
std::size_t replace_page(store::Tx& tx, int64_t tenant_id, const std::string& source,
                         const ExtractedPage& page, int64_t now_ms);
bool delete_page(store::Tx& tx, int64_t tenant_id, const std::string& source);
std::vector<PageSource> list_pages(store::Tx& tx, int64_t tenant_id);
int64_t count_pages(store::Tx& tx, int64_t tenant_id);
// Every passage as an entry: id = -passage id, question = heading, answer = text, url = the
// source when it is a web address, category 「ウェブページ」.
std::vector<Entry> passage_entries(store::Tx& tx, int64_t tenant_id);
std::optional<Entry> passage_entry(store::Tx& tx, int64_t tenant_id, int64_t passage_id);
std::string pages_revision(store::Tx& tx, int64_t tenant_id);

}  // namespace mg::faq
