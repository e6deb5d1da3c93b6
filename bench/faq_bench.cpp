// FAQ answering with a 10,000-entry knowledge base (issue 14): index build time and the latency
// of one answer (normalise, MeCab, BM25, rank), as p50/p99 over the paraphrase set's questions.
// The entries are tests/data/faq's 110, each repeated with one of 91 place and facility words,
// so terms and postings grow like a real large FAQ (many near-duplicates per topic).
//   ./build/micro_bench --benchmark_filter=Faq
#include <benchmark/benchmark.h>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "faq/csv_io.h"
#include "faq/index.h"

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<mg::faq::Entry> entries(std::size_t n) {
  auto base = mg::faq::read_csv(slurp(std::string(MG_SOURCE_DIR) + "/tests/data/faq/entries.csv"));
  static const char* places[] = {"本庁舎",
                                 "北支所",
                                 "南支所",
                                 "東出張所",
                                 "西出張所",
                                 "中央公民館",
                                 "駅前センター",
                                 "保健センター",
                                 "市民会館",
                                 "図書館",
                                 "体育館",
                                 "子育て支援センター",
                                 "清掃センター",
                                 "水道庁舎",
                                 "消防本部",
                                 "第一小学校",
                                 "第二小学校",
                                 "第三小学校",
                                 "第一中学校",
                                 "第二中学校",
                                 "市民病院",
                                 "老人福祉センター",
                                 "児童館",
                                 "交流プラザ",
                                 "観光案内所",
                                 "道の駅",
                                 "農業センター",
                                 "商工会館",
                                 "文化ホール",
                                 "美術館",
                                 "博物館",
                                 "郷土資料館",
                                 "青少年センター",
                                 "男女共同参画センター",
                                 "国際交流協会",
                                 "社会福祉協議会",
                                 "シルバー人材センター",
                                 "ハローワーク",
                                 "税務署",
                                 "年金事務所",
                                 "警察署",
                                 "郵便局",
                                 "駅東口",
                                 "駅西口",
                                 "山手地区",
                                 "川沿い地区",
                                 "港地区",
                                 "中央地区",
                                 "北部地区",
                                 "南部地区",
                                 "東部地区",
                                 "西部地区",
                                 "旧町役場",
                                 "合同庁舎",
                                 "総合運動公園",
                                 "市民プール",
                                 "キャンプ場",
                                 "温泉施設",
                                 "斎場",
                                 "墓地公園",
                                 "リサイクルプラザ",
                                 "下水処理場",
                                 "浄水場",
                                 "市営住宅",
                                 "県営住宅",
                                 "工業団地",
                                 "商店街",
                                 "朝市広場",
                                 "市民農園",
                                 "自転車駐車場",
                                 "バスターミナル",
                                 "フェリー乗り場",
                                 "空港",
                                 "高速バス停",
                                 "臨時窓口",
                                 "夜間窓口",
                                 "休日窓口",
                                 "オンライン窓口",
                                 "電話窓口",
                                 "出張窓口",
                                 "移動図書館",
                                 "地域包括支援センター",
                                 "発達支援センター",
                                 "教育相談室",
                                 "消費生活センター",
                                 "女性相談室",
                                 "人権相談室",
                                 "行政相談室",
                                 "法律相談室",
                                 "無料相談会",
                                 "移住相談窓口"};
  std::vector<mg::faq::Entry> out;
  for (std::size_t i = 0; out.size() < n; ++i) {
    auto e = base.entries[i % base.entries.size()];
    std::string p = places[(i / base.entries.size()) % (sizeof places / sizeof *places)];
    e.id = static_cast<int64_t>(out.size() + 1);
    e.question = p + "の" + e.question;
    e.answer = p + "では、" + e.answer;
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::string> questions() {
  std::vector<std::string> out;
  std::ifstream in(std::string(MG_SOURCE_DIR) + "/tests/data/faq/paraphrases.tsv");
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') out.push_back(line.substr(line.find('\t') + 1));
  return out;
}

// Resident set size in MB (what the index costs the server, allocator slack included).
double rss_mb() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

void BM_FaqIndexBuild(benchmark::State& state) {
  auto es = entries(static_cast<std::size_t>(state.range(0)));
  mg::faq::Analyzer::shared();  // the dictionary is mapped once, not part of the index
  double grown = 0;
  for (auto _ : state) {
    double before = rss_mb();
    mg::faq::Index idx(es, {}, mg::faq::Analyzer::shared());
    grown = std::max(grown, rss_mb() - before);
    benchmark::DoNotOptimize(idx.size());
  }
  state.counters["index_rss_mb"] = grown;
}
BENCHMARK(BM_FaqIndexBuild)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_FaqAnswer(benchmark::State& state) {
  mg::faq::Index idx(entries(static_cast<std::size_t>(state.range(0))), {},
                     mg::faq::Analyzer::shared());
  auto qs = questions();
  std::vector<double> us;
  std::size_t i = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = idx.search(mg::faq::normalize(qs[i++ % qs.size()]), "2026-12-01");
    benchmark::DoNotOptimize(r);
    us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(us.begin(), us.end());
  state.counters["p50_us"] = us[us.size() / 2];
  state.counters["p99_us"] = us[us.size() * 99 / 100];
  state.counters["terms"] = static_cast<double>(idx.term_count());
}
BENCHMARK(BM_FaqAnswer)->Arg(10000)->Unit(benchmark::kMicrosecond)->Iterations(2000);

}  // namespace
