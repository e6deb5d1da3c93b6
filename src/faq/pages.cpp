#include "faq/pages.h"

namespace mg::faq {

namespace {

constexpr const char* kPassageColumns = "id, source_url, page_title, heading, text";

Entry entry_of(const store::Row& r) {
  Entry e;
  e.id = -r.i64(0);
  std::string source = r.str(1);
  e.url = source.rfind("http", 0) == 0 ? source : "";
  std::string heading = r.str(3);
  e.question = heading.empty() ? r.str(2) : heading;
  e.answer = r.str(4);
  // Ranking compares questions with phrasings; a passage's own words are its phrasing.
  e.alternatives.push_back(e.answer);
  e.category = "ウェブページ";
  return e;
}

}  // namespace

std::size_t replace_page(store::Tx& tx, int64_t tenant_id, const std::string& source,
                         const ExtractedPage& page, int64_t now_ms) {
  tx.exec("DELETE FROM faq_passages WHERE tenant_id = ? AND source_url = ?", {tenant_id, source});
  int64_t pos = 0;
  for (const auto& p : page.passages)
    tx.exec(
        "INSERT INTO faq_passages(tenant_id, source_url, page_title, heading, text, position, "
        "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {tenant_id, source, page.title, p.heading, p.text, pos++, now_ms});
  return page.passages.size();
}

bool delete_page(store::Tx& tx, int64_t tenant_id, const std::string& source) {
  return tx.exec("DELETE FROM faq_passages WHERE tenant_id = ? AND source_url = ?",
                 {tenant_id, source}) > 0;
}

std::vector<PageSource> list_pages(store::Tx& tx, int64_t tenant_id) {
  std::vector<PageSource> out;
  for (const auto& r :
       tx.query("SELECT source_url, MAX(page_title), COUNT(*), MAX(imported_at) FROM faq_passages "
                "WHERE tenant_id = ? GROUP BY source_url ORDER BY source_url",
                {tenant_id}))
    out.push_back({r.str(0), r.str(1), r.i64(2), r.i64(3)});
  return out;
}

int64_t count_pages(store::Tx& tx, int64_t tenant_id) {
  auto r = tx.one("SELECT COUNT(DISTINCT source_url) FROM faq_passages WHERE tenant_id = ?",
                  {tenant_id});
  return r ? r->i64(0) : 0;
}

std::vector<Entry> passage_entries(store::Tx& tx, int64_t tenant_id) {
  std::vector<Entry> out;
  for (const auto& r :
       tx.query(std::string("SELECT ") + kPassageColumns +
                    " FROM faq_passages WHERE tenant_id = ? ORDER BY source_url, position",
                {tenant_id}))
    out.push_back(entry_of(r));
  return out;
}

std::optional<Entry> passage_entry(store::Tx& tx, int64_t tenant_id, int64_t passage_id) {
  auto r = tx.one(std::string("SELECT ") + kPassageColumns +
                      " FROM faq_passages WHERE tenant_id = ? AND id = ?",
                  {tenant_id, passage_id});
  if (!r) return std::nullopt;
  return entry_of(*r);
}

std::string pages_revision(store::Tx& tx, int64_t tenant_id) {
  auto r = tx.one(
      "SELECT COUNT(*), COALESCE(MAX(imported_at), 0), COALESCE(MAX(id), 0) FROM faq_passages "
      "WHERE tenant_id = ?",
      {tenant_id});
  return std::to_string(r->i64(0)) + "/" + std::to_string(r->i64(1)) + "/" +
         std::to_string(r->i64(2));
}

}  // namespace mg::faq
