#pragma once
// A small reader of the SQL written in C++ sources, for sql_lint_test.cpp. It finds SQL
// statements among the string literals of a file (adjacent literals, raw strings, literals
// joined with + and named string constants), lists the tables each statement reads or
// writes, and says whether it names tenant_id in a condition (or, for INSERT, in its
// columns). Not a SQL parser: enough of one to keep two rules honest (see the test).
#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace mg::sql_lint {

struct Token {
  enum Kind { literal, ident, punct } kind;
  std::string text;  // a literal's contents (escapes kept, \" turned into ")
  int line;
};

// C++ tokens with comments, character literals and preprocessor lines dropped.
inline std::vector<Token> cpp_tokens(const std::string& s) {
  std::vector<Token> out;
  int line = 1;
  std::size_t i = 0, n = s.size();
  bool line_start = true;
  auto ident_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  while (i < n) {
    char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
      line_start = true;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (line_start && c == '#') {  // #include "x.h" is no SQL; skip the directive and its \ lines
      while (i < n && s[i] != '\n') {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\n') ++line, ++i;
        ++i;
      }
      continue;
    }
    line_start = false;
    if (s.compare(i, 2, "//") == 0) {
      while (i < n && s[i] != '\n') ++i;
      continue;
    }
    if (s.compare(i, 2, "/*") == 0) {
      std::size_t e = s.find("*/", i + 2);
      e = e == std::string::npos ? n : e + 2;
      line += static_cast<int>(std::count(s.begin() + i, s.begin() + e, '\n'));
      i = e;
      continue;
    }
    // Encoding prefixes (u8, u, U, L) and R for raw strings.
    std::size_t p = i;
    while (p < n && p - i < 3 && (s[p] == 'u' || s[p] == '8' || s[p] == 'U' || s[p] == 'L')) ++p;
    bool raw = p < n && s[p] == 'R' && p + 1 < n && s[p + 1] == '"';
    if (raw) {
      std::size_t open = s.find('(', p + 2);
      std::string delim = ")" + s.substr(p + 2, open - (p + 2)) + "\"";
      std::size_t close = s.find(delim, open + 1);
      if (close == std::string::npos) close = n;
      out.push_back({Token::literal, s.substr(open + 1, close - open - 1), line});
      line += static_cast<int>(std::count(s.begin() + i, s.begin() + std::min(n, close), '\n'));
      i = std::min(n, close + delim.size());
      continue;
    }
    if (s[p] == '"' && (p == i || p - i <= 2)) {
      std::string text;
      std::size_t j = p + 1;
      while (j < n && s[j] != '"') {
        if (s[j] == '\\' && j + 1 < n) {
          char e = s[j + 1];
          text += e == 'n' || e == 't' ? ' ' : e;
          j += 2;
        } else {
          text += s[j++];
        }
      }
      out.push_back({Token::literal, text, line});
      i = j + 1;
      continue;
    }
    if (c == '\'') {  // character literal
      std::size_t j = i + 1;
      while (j < n && s[j] != '\'') j += s[j] == '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    if (ident_char(c)) {
      std::size_t j = i;
      while (j < n && ident_char(s[j])) ++j;
      out.push_back({Token::ident, s.substr(i, j - i), line});
      i = j;
      continue;
    }
    if (s.compare(i, 2, "::") == 0 || s.compare(i, 2, "+=") == 0 || s.compare(i, 2, "==") == 0 ||
        s.compare(i, 2, "->") == 0) {
      out.push_back({Token::punct, s.substr(i, 2), line});
      i += 2;
      continue;
    }
    out.push_back({Token::punct, std::string(1, c), line});
    ++i;
  }
  return out;
}

// One SQL text found in a file. Parts of the expression that are not literals or known
// constants (a variable, a function's result) appear as " {?} ".
struct Found {
  std::string text;
  int line;
};

inline bool is_sql_start(const std::string& text) {
  std::size_t b = text.find_first_not_of(" \t\n(");
  if (b == std::string::npos) return false;
  for (const char* k : {"SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH "})
    if (text.compare(b, std::string(k).size(), k) == 0) return true;
  return false;
}

namespace detail {

// An operand of `+` starting at i: a literal run, or an expression such as
// `std::string(kCols)`, `where`, `store::for_update(tx)`, `x.y()`. Returns its text and the
// index after it.
inline std::size_t operand(const std::vector<Token>& t, std::size_t i,
                           const std::map<std::string, std::string>& constants, std::string& text) {
  if (i >= t.size()) return i;
  if (t[i].kind == Token::literal) {
    while (i < t.size() && t[i].kind == Token::literal) text += t[i++].text;
    return i;
  }
  // std::string(X) / std::string_view(X) / std::string{X} around a literal or a constant.
  if (i + 4 < t.size() && t[i].text == "std" && t[i + 1].text == "::" &&
      (t[i + 2].text == "string" || t[i + 2].text == "string_view") &&
      (t[i + 3].text == "(" || t[i + 3].text == "{")) {
    std::size_t j = i + 4;
    std::string inner;
    std::size_t k = operand(t, j, constants, inner);
    if (k < t.size() && (t[k].text == ")" || t[k].text == "}")) {
      text += inner;
      return k + 1;
    }
  }
  // A qualified name, member accesses and calls.
  std::size_t j = i;
  std::string name;
  bool called = false;
  while (j < t.size()) {
    if (t[j].kind == Token::ident) {
      name = t[j].text;
      ++j;
    } else if (t[j].text == "::" || t[j].text == "." || t[j].text == "->") {
      ++j;
    } else if (t[j].text == "(" || t[j].text == "[") {
      int depth = 0;
      for (; j < t.size(); ++j) {
        if (t[j].text == "(" || t[j].text == "[") ++depth;
        if (t[j].text == ")" || t[j].text == "]") {
          if (--depth == 0) {
            ++j;
            break;
          }
        }
      }
      called = true;
    } else {
      break;
    }
  }
  if (j == i) return i;
  auto c = constants.find(name);
  text += !called && c != constants.end() ? c->second : " {?} ";
  return j;
}

}  // namespace detail

// `NAME = "..." "...";` and `NAME[] = "...";` definitions: string constants used in queries.
inline std::map<std::string, std::string> string_constants(const std::vector<Token>& t) {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i + 2 < t.size(); ++i) {
    if (t[i].kind != Token::ident) continue;
    std::size_t j = i + 1;
    if (t[j].text == "[" && j + 1 < t.size() && t[j + 1].text == "]") j += 2;
    if (t[j].text != "=" || t[j + 1].kind != Token::literal) continue;
    std::string text;
    std::size_t k = j + 1;
    while (k < t.size() && t[k].kind == Token::literal) text += t[k++].text;
    if (k < t.size() && t[k].text == ";") out[t[i].text] = text;
  }
  return out;
}

// Every SQL statement written in a C++ file. A statement is a run of operands joined by `+`
// (or adjacent literals) whose text starts with SELECT, INSERT, UPDATE, DELETE or WITH.
// String constant definitions are not statements themselves; their uses are.
inline std::vector<Found> statements(const std::string& source) {
  auto t = cpp_tokens(source);
  auto constants = string_constants(t);
  std::vector<Found> out;
  std::vector<bool> used(t.size(), false);
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (used[i]) continue;
    bool lit = t[i].kind == Token::literal;
    bool constant = t[i].kind == Token::ident && constants.count(t[i].text) &&
                    !(i + 1 < t.size() && t[i + 1].text == "=") &&
                    !(i + 1 < t.size() && t[i + 1].text == "[");
    if (!lit && !constant) continue;
    // Start of the expression: back over `X +` operands (X may be std::string(k)).
    std::size_t start = i;
    if (i >= 2 && t[i - 1].text == "(" && t[i - 2].text == "string" && i >= 4 &&
        t[i - 3].text == "::" && t[i - 4].text == "std")
      start = i - 4;
    // Constant definitions: skip the initializer.
    if (lit && start >= 1 && t[start - 1].text == "=") {
      std::size_t b = start >= 2 ? start - 2 : 0;
      if (t[b].text == "]" && b >= 2) b -= 2;
      if (t[b].kind == Token::ident && constants.count(t[b].text)) {
        while (i < t.size() && t[i].kind == Token::literal) used[i++] = true;
        continue;
      }
    }
    std::string text;
    std::size_t j = detail::operand(t, start, constants, text);
    while (j + 1 < t.size() && t[j].text == "+") {
      std::size_t k = detail::operand(t, j + 1, constants, text);
      if (k == j + 1) break;
      j = k;
    }
    for (std::size_t k = start; k < j; ++k) used[k] = true;
    if (is_sql_start(text)) out.push_back({text, t[i].line});
  }
  return out;
}

// ---- SQL side ----

inline std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// SQL words and punctuation, lower case, with quoted strings and comments dropped.
inline std::vector<std::string> sql_tokens(const std::string& sql) {
  std::vector<std::string> out;
  std::size_t i = 0, n = sql.size();
  while (i < n) {
    char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (sql.compare(i, 2, "--") == 0) {
      while (i < n && sql[i] != '\n') ++i;
    } else if (c == '\'') {
      std::size_t j = i + 1;
      while (j < n && !(sql[j] == '\'' && (j + 1 >= n || sql[j + 1] != '\'')))
        j += sql[j] == '\'' ? 2 : 1;
      out.push_back("'");
      i = j + 1;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '"') {
      std::size_t j = i;
      while (j < n &&
             (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_' || sql[j] == '"'))
        ++j;
      std::string w = lower(sql.substr(i, j - i));
      w.erase(std::remove(w.begin(), w.end(), '"'), w.end());
      out.push_back(w);
      i = j;
    } else if (sql.compare(i, 2, "<=") == 0 || sql.compare(i, 2, ">=") == 0 ||
               sql.compare(i, 2, "<>") == 0 || sql.compare(i, 2, "!=") == 0) {
      out.push_back(sql.substr(i, 2));
      i += 2;
    } else {
      out.push_back(std::string(1, c));
      ++i;
    }
  }
  return out;
}

inline const std::set<std::string>& keywords() {
  static const std::set<std::string> k = {
      "select", "from",    "where",     "join",   "left",    "right",     "inner",
      "outer",  "cross",   "on",        "using",  "group",   "order",     "limit",
      "offset", "union",   "set",       "values", "as",      "and",       "or",
      "not",    "having",  "returning", "for",    "natural", "full",      "lateral",
      "only",   "default", "on",        "window", "except",  "intersect", "into"};
  return k;
}

// A table used by a statement and how.
struct TableUse {
  std::string table;
  std::string alias;
  bool insert_target = false;
};

struct Analysis {
  std::vector<TableUse> tables;
  bool tenant_condition = false;     // tenant_id compared somewhere (WHERE, ON, subquery)
  bool tenant_in_insert = false;     // tenant_id in an INSERT's column list
  std::vector<std::string> unnamed;  // tables whose name is an expression ({?})
};

inline Analysis analyse(const std::string& sql) {
  Analysis a;
  auto t = sql_tokens(sql);
  auto table_at = [&](std::size_t i, bool insert) {
    // FROM (subquery) or FROM {?}: nothing to name here (the subquery has its own FROM).
    if (i >= t.size() || t[i] == "(") return i;
    if (t[i] == "{") {
      a.unnamed.push_back("{?}");
      return i;
    }
    TableUse u{t[i], t[i], insert};
    std::size_t j = i + 1;
    if (j < t.size() && t[j] == ".") {  // schema.table
      u.table = u.alias = t[j + 1];
      j += 2;
    }
    if (j < t.size() && t[j] == "as") ++j;
    if (!insert && j < t.size() && !keywords().count(t[j]) &&
        (std::isalpha(static_cast<unsigned char>(t[j][0])) || t[j][0] == '_'))
      u.alias = t[j++];
    a.tables.push_back(u);
    return j;
  };
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::string& w = t[i];
    bool lock_or_upsert = i >= 1 && (t[i - 1] == "for" || t[i - 1] == "do");
    if (w == "from" || w == "join" || (w == "update" && !lock_or_upsert)) {
      std::size_t j = table_at(i + 1, false);
      // FROM a x, b y
      while (w == "from" && j + 1 < t.size() && t[j] == ",") j = table_at(j + 1, false);
    } else if (w == "into" && i >= 1 && t[i - 1] == "insert") {
      table_at(i + 1, true);
      // The column list: (a, b, tenant_id, …)
      std::size_t j = i + 2;
      if (j < t.size() && t[j] == "(") {
        for (std::size_t k = j + 1; k < t.size() && t[k] != ")"; ++k)
          if (t[k] == "tenant_id") a.tenant_in_insert = true;
      }
    } else if (w == "tenant_id") {
      // Compared: x.tenant_id = …, … = tenant_id, tenant_id IN (…), tenant_id IS …
      bool after = i + 1 < t.size() && (t[i + 1] == "=" || t[i + 1] == "in" || t[i + 1] == "is");
      std::size_t b = i >= 2 && t[i - 1] == "." ? i - 2 : i;
      bool before = b >= 1 && t[b - 1] == "=";
      if (after || before) a.tenant_condition = true;
    }
  }
  return a;
}

// The tables with a tenant_id column, and every table, from the migrations' SQL.
struct Schema {
  std::set<std::string> tables;
  std::set<std::string> tenant_owned;
};

inline Schema schema_from(const std::string& migrations_source) {
  Schema s;
  for (const auto& tok : cpp_tokens(migrations_source)) {
    if (tok.kind != Token::literal) continue;
    auto t = sql_tokens(tok.text);
    for (std::size_t i = 0; i + 2 < t.size(); ++i) {
      if (t[i] == "create" && t[i + 1] == "table") {
        std::size_t k = i + 2;
        if (t[k] == "if") k += 3;  // IF NOT EXISTS
        std::string name = t[k];
        s.tables.insert(name);
        // Columns: the first word after "(" or "," at depth 1.
        int depth = 0;
        for (std::size_t j = k + 1; j < t.size(); ++j) {
          if (t[j] == "(") ++depth;
          if (t[j] == ")" && --depth == 0) break;
          if (depth == 1 && (t[j - 1] == "(" || t[j - 1] == ",") && t[j] == "tenant_id")
            s.tenant_owned.insert(name);
        }
      }
      if (t[i] == "alter" && t[i + 1] == "table" && i + 5 < t.size() && t[i + 3] == "add" &&
          (t[i + 4] == "tenant_id" || (t[i + 4] == "column" && t[i + 5] == "tenant_id")))
        s.tenant_owned.insert(t[i + 2]);
    }
  }
  return s;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace mg::sql_lint
