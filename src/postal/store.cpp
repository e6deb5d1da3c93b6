#include "postal/store.h"

namespace mg::postal {

namespace {
std::string insert_sql(std::size_t rows) {
  std::string sql =
      "INSERT INTO postal_codes(seq, code, prefecture, city, town, town_kana) VALUES ";
  for (std::size_t i = 0; i < rows; ++i) sql += i ? ",(?,?,?,?,?,?)" : "(?,?,?,?,?,?)";
  return sql;
}
}  // namespace

void replace_all(store::Tx& tx, const std::vector<PostalRecord>& records) {
  tx.exec("DELETE FROM postal_codes");
  // Two statement texts at most (full batches, the last one), each prepared once.
  const std::string full = insert_sql(kInsertBatch);
  store::Params params;
  params.reserve(kInsertBatch * 6);
  for (std::size_t begin = 0; begin < records.size(); begin += kInsertBatch) {
    std::size_t end = std::min(records.size(), begin + kInsertBatch);
    params.clear();
    for (std::size_t i = begin; i < end; ++i) {
      const auto& r = records[i];
      params.insert(params.end(),
                    {static_cast<int64_t>(i), r.code, r.prefecture, r.city, r.town, r.town_kana});
    }
    tx.exec(end - begin == kInsertBatch ? full : insert_sql(end - begin), params);
  }
}

std::vector<PostalRecord> find(store::Tx& tx, const std::string& code) {
  std::vector<PostalRecord> out;
  for (const auto& r :
       tx.query("SELECT code, prefecture, city, town, town_kana FROM postal_codes WHERE code = ? "
                "ORDER BY seq",
                {code}))
    out.push_back({r.str(0), r.str(1), r.str(2), r.str(3), r.str(4)});
  return out;
}

bool any(store::Tx& tx) { return tx.one("SELECT 1 FROM postal_codes LIMIT 1").has_value(); }

}  // namespace mg::postal
