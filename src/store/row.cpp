#include <stdexcept>

#include "store/db.h"

namespace mg::store {

int64_t Row::i64(std::size_t i) const {
  const auto& v = values_.at(i);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) return p->empty() ? 0 : std::stoll(*p);
  return 0;
}

double Row::f64(std::size_t i) const {
  const auto& v = values_.at(i);
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return p->empty() ? 0 : std::stod(*p);
  return 0;
}

std::string Row::str(std::size_t i) const {
  const auto& v = values_.at(i);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
  return {};
}

std::optional<int64_t> Row::opt_i64(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

std::optional<std::string> Row::opt_str(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return str(i);
}

std::size_t Row::index(std::string_view column) const {
  if (columns_)
    for (std::size_t i = 0; i < columns_->size(); ++i)
      if ((*columns_)[i] == column) return i;
  throw std::out_of_range("no column " + std::string(column));
}

std::optional<Row> Tx::one(std::string_view sql, const Params& params) {
  std::optional<Row> out;
  each(sql, params, [&](const Row& r) {
    out = r;
    return false;
  });
  return out;
}

int64_t Tx::insert_id(std::string_view sql, const Params& params) {
  auto r = one(sql, params);
  if (!r) throw std::runtime_error("insert returned no id");
  return r->i64(0);
}

std::vector<int64_t> scalars(Tx& tx, const std::vector<Subquery>& queries) {
  std::string sql = "SELECT ";
  Params params;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    sql += (i ? ", " : "") + queries[i].sql;
    params.insert(params.end(), queries[i].params.begin(), queries[i].params.end());
  }
  auto r = tx.one(sql, params);
  std::vector<int64_t> out;
  for (std::size_t i = 0; i < queries.size(); ++i) out.push_back(r ? r->i64(i) : 0);
  return out;
}

}  // namespace mg::store
