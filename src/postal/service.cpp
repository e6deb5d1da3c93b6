#include "postal/service.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "conversation/normalize.h"
#include "core/errors.h"
#include "postal/store.h"

namespace mg::postal {

std::vector<conversation::AddressCandidate> DbAddressLookup::candidates(
    const std::string& code) const {
  std::vector<conversation::AddressCandidate> out;
  for (auto& r : find(tx_, code)) out.push_back({r.prefecture, r.city, r.town});
  return out;
}

bool DbAddressLookup::loaded() const {
  if (!loaded_) loaded_ = any(tx_);
  return *loaded_;
}

ImportResult import_csv(store::Db& db, std::string_view csv) {
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  ImportResult result;
  auto t0 = clock::now();
  auto records = parse_ken_all(csv);
  if (records.empty()) throw ApiError::bad_request("郵便番号データが空です", "file");
  auto t1 = clock::now();
  db.write([&](store::Tx& tx) { replace_all(tx, records); });
  result.lines = records.size();
  result.parse_ms = ms(t1 - t0);
  result.write_ms = ms(clock::now() - t1);
  return result;
}

ImportResult import_file(store::Db& db, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ApiError::bad_request("ファイルを開けません: " + path, "file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return import_csv(db, buf.str());
}

std::vector<PostalRecord> lookup(store::Db& db, const std::string& typed) {
  std::string code = conversation::normalize_postal_code(typed);
  if (code.empty())
    throw ApiError::bad_request("郵便番号は7桁の数字で入力してください。例：123-4567", "code");
  auto found = db.read([&](store::Tx& tx) { return find(tx, code); });
  if (found.empty()) throw ApiError::not_found("この郵便番号の住所は見つかりませんでした");
  return found;
}

}  // namespace mg::postal
