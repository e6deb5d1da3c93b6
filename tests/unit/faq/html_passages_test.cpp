#include "faq/html_passages.h"

#include <gtest/gtest.h>

namespace mg::faq {
namespace {

TEST(HtmlPassages, MainTextSplitAtHeadingsWithoutNavigationOrScripts) {
  auto p = extract_passages(
      "<!doctype html><html><head><title>粗大ごみの出し方｜亀岡市</title>"
      "<script>var secret = 'no';</script><style>p{}</style></head><body>"
      "<nav><a href=/>トップ</a> メニュー</nav><header>市役所</header>"
      "<main><h1>粗大ごみの出し方</h1><p>粗大ごみは申込制です。</p>"
      "<h2>申込方法</h2><ul><li>電話　0771-00-0000</li><li>オンライン</li></ul>"
      "<form><input name=q><button>検索</button></form></main><footer>©</footer></body></html>");
  EXPECT_EQ(p.title, "粗大ごみの出し方｜亀岡市");
  ASSERT_EQ(p.passages.size(), 2u);
  EXPECT_EQ(p.passages[0].heading, "粗大ごみの出し方");
  EXPECT_EQ(p.passages[0].text, "粗大ごみは申込制です。");
  EXPECT_EQ(p.passages[1].heading, "申込方法");
  EXPECT_EQ(p.passages[1].text, "電話 0771-00-0000 オンライン");
  for (const auto& x : p.passages) {
    EXPECT_EQ(x.text.find("secret"), std::string::npos);
    EXPECT_EQ(x.text.find("メニュー"), std::string::npos);
    EXPECT_EQ(x.text.find("検索"), std::string::npos);
  }
}

TEST(HtmlPassages, LongSectionsAreCutIntoBoundedPassages) {
  std::string body;
  for (int i = 0; i < 100; ++i)
    body += "<p>これは説明の文です。住民票の写しは窓口で請求できます。</p>";
  auto p = extract_passages("<body><h2>住民票</h2>" + body + "</body>");
  ASSERT_GT(p.passages.size(), 3u);
  for (const auto& x : p.passages) {
    std::size_t n = 0;
    for (unsigned char c : x.text) n += (c & 0xC0) != 0x80;
    EXPECT_LE(n, kMaxPassageChars);
    EXPECT_EQ(x.heading, "住民票");
  }
}

TEST(HtmlPassages, BrokenShiftJisAndEmptyInputs) {
  EXPECT_TRUE(extract_passages("").passages.empty());
  EXPECT_TRUE(extract_passages("<html><body><script>x</script></body>").passages.empty());
  // Unclosed tags are recovered like a browser does.
  auto broken = extract_passages("<body><h2>手続き<p>必要なもの<li>本人確認書類");
  ASSERT_FALSE(broken.passages.empty());
  // Shift_JIS bytes for 「ごみ」 (0x82B2 0x82DD).
  auto sjis = extract_passages(std::string("<body><p>\x82\xb2\x82\xdd</p></body>"));
  ASSERT_EQ(sjis.passages.size(), 1u);
  EXPECT_EQ(sjis.passages[0].text, "ごみ");
  // Deep nesting does not recurse without bound.
  std::string deep(100000, '\0');
  deep.clear();
  for (int i = 0; i < 20000; ++i) deep += "<div>";
  deep += "深い";
  extract_passages(deep);
}

}  // namespace
}  // namespace mg::faq
