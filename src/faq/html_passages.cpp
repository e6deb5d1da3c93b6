#include "faq/html_passages.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <cstring>
#include <memory>

#include "core/text_encoding.h"

namespace mg::faq {

namespace {

bool named(const xmlNode* n, const char* name) {
  return n->name && xmlStrcasecmp(n->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

// Parts of a page that are never its content.
bool skipped(const xmlNode* n) {
  for (const char* s : {"script", "style", "noscript", "nav", "header", "footer", "form",
                        "template", "svg", "iframe", "object", "button", "select", "aside"})
    if (named(n, s)) return true;
  return false;
}

bool is_heading(const xmlNode* n) {
  return n->name && (n->name[0] == 'h' || n->name[0] == 'H') && n->name[1] >= '1' &&
         n->name[1] <= '6' && n->name[2] == 0;
}

bool is_block(const xmlNode* n) {
  for (const char* s : {"p", "div", "li", "dd", "dt", "td", "th", "tr", "br", "section", "article",
                        "main", "table", "ul", "ol", "dl", "blockquote", "pre"})
    if (named(n, s)) return true;
  return is_heading(n);
}

std::size_t cps(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Appends text with whitespace (ASCII and the ideographic space) folded to one space.
void append_text(std::string& out, const char* s) {
  for (const char* p = s; *p; ++p) {
    bool space = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' || *p == '\f';
    if (!space && std::strncmp(p, "\xE3\x80\x80", 3) == 0) {
      space = true;
      p += 2;
    }
    if (space) {
      if (!out.empty() && out.back() != ' ' && out.back() != '\n') out += ' ';
    } else if (static_cast<unsigned char>(*p) >= 0x20 || *p == '\n') {
      out += *p;
    }
  }
}

struct Walker {
  ExtractedPage page;
  std::string heading;
  std::string text;  // the current section, blocks separated by '\n'
  int depth = 0;

  void flush() {
    // Sections longer than a passage are cut at block ends (or mid-block when one is huge).
    std::string section;
    auto emit = [&](std::string s) {
      while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
      std::size_t start = s.find_first_not_of(" \n");
      if (start == std::string::npos || page.passages.size() >= kMaxPassagesPerPage) return;
      s.erase(0, start);
      for (auto& c : s)
        if (c == '\n') c = ' ';
      page.passages.push_back({heading.empty() ? page.title : heading, std::move(s)});
    };
    std::size_t i = 0;
    while (i < text.size()) {
      std::size_t end = text.find('\n', i);
      std::string block = text.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end == std::string::npos ? text.size() : end + 1;
      while (cps(block) > kMaxPassageChars) {
        // Cut at a code point boundary near the limit, preferring after 。
        std::size_t bytes = 0, n = 0, cut = 0;
        while (bytes < block.size() && n < kMaxPassageChars) {
          unsigned char c = static_cast<unsigned char>(block[bytes]);
          std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
          bytes += len;
          ++n;
          if (bytes >= 3 && block.compare(bytes - 3, 3, "。") == 0) cut = bytes;
        }
        bytes = std::min(bytes, block.size());
        if (cut < bytes / 2) cut = bytes;
        if (!section.empty()) emit(std::move(section));
        section.clear();
        emit(block.substr(0, cut));
        block.erase(0, cut);
      }
      if (cps(section) + cps(block) > kMaxPassageChars) {
        emit(std::move(section));
        section.clear();
      }
      if (!block.empty() && block != " ") section += block + "\n";
    }
    emit(std::move(section));
    text.clear();
  }

  void walk(const xmlNode* n) {
    if (++depth > 200) {  // libxml2 bounds depth too; this keeps our recursion small
      --depth;
      return;
    }
    for (const xmlNode* c = n; c; c = c->next) {
      if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
        if (c->content) append_text(text, reinterpret_cast<const char*>(c->content));
        continue;
      }
      if (c->type != XML_ELEMENT_NODE || skipped(c)) continue;
      if (named(c, "title")) continue;
      if (is_heading(c)) {
        flush();
        std::string h;
        collect(c->children, h);
        heading = trim(h);
        continue;
      }
      bool block = is_block(c);
      if (block && !text.empty() && text.back() != '\n') text += '\n';
      if (named(c, "img")) {
        if (xmlChar* alt = xmlGetProp(c, reinterpret_cast<const xmlChar*>("alt"))) {
          append_text(text, reinterpret_cast<const char*>(alt));
          xmlFree(alt);
        }
      }
      walk(c->children);
      if (block && !text.empty() && text.back() != '\n') text += '\n';
    }
    --depth;
  }

  static void collect(const xmlNode* n, std::string& out, int depth = 0) {
    if (depth > 50) return;
    for (const xmlNode* c = n; c; c = c->next) {
      if (c->type == XML_TEXT_NODE && c->content)
        append_text(out, reinterpret_cast<const char*>(c->content));
      else if (c->type == XML_ELEMENT_NODE && !skipped(c))
        collect(c->children, out, depth + 1);
    }
  }

  static std::string trim(std::string s) {
    std::size_t a = s.find_first_not_of(" \n");
    if (a == std::string::npos) return "";
    std::size_t b = s.find_last_not_of(" \n");
    s = s.substr(a, b - a + 1);
    if (cps(s) > 100) {
      std::size_t bytes = 0, n = 0;
      while (bytes < s.size() && n < 100) {
        unsigned char c = static_cast<unsigned char>(s[bytes]);
        bytes += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        ++n;
      }
      s.resize(std::min(bytes, s.size()));
    }
    return s;
  }
};

const xmlNode* find_element(const xmlNode* n, const char* name, int depth = 0) {
  if (depth > 60) return nullptr;
  for (const xmlNode* c = n; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (named(c, name)) return c;
    if (skipped(c)) continue;
    if (const xmlNode* f = find_element(c->children, name, depth + 1)) return f;
  }
  return nullptr;
}

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

}  // namespace

ExtractedPage extract_passages(std::string_view html) {
  if (html.size() > kMaxHtmlBytes) html = html.substr(0, kMaxHtmlBytes);
  Walker w;
  if (html.empty()) return w.page;
  // Many town sites are still Shift_JIS: bytes that are not UTF-8 are read as CP932.
  std::string converted;
  if (!is_utf8(html)) {
    if (auto u = cp932_to_utf8(html)) {
      converted = std::move(*u);
      html = converted;
    }
  }
  // NONET: never load anything; no DTD or external entities are read by the HTML parser.
  std::unique_ptr<xmlDoc, DocFree> doc(
      htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                         HTML_PARSE_NONET | HTML_PARSE_COMPACT));
  if (!doc) return w.page;
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root) return w.page;
  if (const xmlNode* t = find_element(root, "title")) {
    std::string title;
    Walker::collect(t->children, title);
    w.page.title = Walker::trim(title);
  }
  // The page's own content when it marks it; otherwise the body without navigation.
  const xmlNode* start = find_element(root, "main");
  if (!start) start = find_element(root, "article");
  if (!start) start = find_element(root, "body");
  if (!start) start = root;
  w.walk(start->children);
  w.flush();
  // Bytes neither UTF-8 nor Shift_JIS may survive the parser's recovery: such text is dropped
  // (databases refuse it, and nobody can read it).
  if (!is_utf8(w.page.title)) w.page.title.clear();
  std::erase_if(w.page.passages,
                [](const Passage& p) { return !is_utf8(p.text) || !is_utf8(p.heading); });
  return w.page;
}

}  // namespace mg::faq
