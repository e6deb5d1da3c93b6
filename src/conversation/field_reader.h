#pragma once
// Reads a definition's typed fields and records an issue instead of throwing, so staff see
// every problem at once. Step kinds use it to parse their own fields.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "conversation/definition.h"
#include "core/json.h"

namespace mg::conversation {

class FieldReader {
 public:
  FieldReader(const Json& j, std::string step_id, std::vector<Issue>& issues)
      : j_(j), step_id_(std::move(step_id)), issues_(issues) {}

  std::string str(const char* key, bool required = false) {
    if (!j_.contains(key) || j_[key].is_null()) {
      if (required) issue(key, "missing_field", std::string("「") + key + "」を入力してください");
      return {};
    }
    if (!j_[key].is_string()) {
      issue(key, "wrong_type", std::string("「") + key + "」は文字で指定してください");
      return {};
    }
    return j_[key].get<std::string>();
  }
  bool boolean(const char* key, bool def) {
    if (!j_.contains(key)) return def;
    if (!j_[key].is_boolean()) {
      issue(key, "wrong_type",
            std::string("「") + key + "」は true（はい）か false（いいえ）で指定してください");
      return def;
    }
    return j_[key].get<bool>();
  }
  template <typename T>
  std::optional<T> number(const char* key) {
    if (!j_.contains(key) || j_[key].is_null()) return std::nullopt;
    if (!j_[key].is_number()) {
      issue(key, "wrong_type", std::string("「") + key + "」は数で指定してください");
      return std::nullopt;
    }
    if (!fits<T>(j_[key])) {
      issue(key, "out_of_range", std::string("「") + key + "」の数が大きすぎるか小さすぎます");
      return std::nullopt;
    }
    return j_[key].get<T>();
  }
  // 1e300 to int is undefined behaviour and 2^40 to int wraps, so check before get<T>().
  template <typename T>
  static bool fits(const Json& v) {
    if constexpr (std::is_integral_v<T>) {
      using limits = std::numeric_limits<T>;
      if (v.is_number_unsigned()) return v.get<uint64_t>() <= static_cast<uint64_t>(limits::max());
      if (v.is_number_integer())
        return v.get<int64_t>() >= limits::min() && v.get<int64_t>() <= limits::max();
      double d = v.get<double>();  // two's complement: max + 1 == -min, both exact doubles
      return d >= static_cast<double>(limits::min()) && d < -static_cast<double>(limits::min());
    } else {
      return true;
    }
  }
  void issue(const std::string& field, const std::string& code, const std::string& message) {
    issues_.push_back(Issue{step_id_, field, code, message});
  }

 private:
  const Json& j_;
  std::string step_id_;
  std::vector<Issue>& issues_;
};

}  // namespace mg::conversation
