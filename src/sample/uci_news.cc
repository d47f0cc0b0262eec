#include "sample/uci_news.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace headliner {
namespace {

std::string Section(const std::string& category) {
  if (category == "b") return "business";
  if (category == "t") return "technology";
  if (category == "e") return "entertainment";
  if (category == "m") return "health";
  return "other";
}

}  // namespace

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields;
  std::string current;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        current.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        current.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(current));
      current.clear();
    } else if (c != '\r') {
      current.push_back(c);
    }
  }
  fields.push_back(std::move(current));
  return fields;
}

absl::StatusOr<std::vector<SampleArticle>> ReadUciNews(const std::string& path, int* skipped) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<SampleArticle> out;
  std::string line;
  std::getline(in, line);  // header
  int bad = 0;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = SplitCsvLine(line);
    int64_t millis = 0;
    if (f.size() != 8 || f[0].empty() || f[1].empty() || !absl::SimpleAtoi(f[7], &millis)) {
      ++bad;
      continue;
    }
    SampleArticle s;
    s.story = f[5];
    s.article.set_id(absl::StrCat("uci-", f[0]));
    s.article.set_headline(f[1]);
    s.article.set_url(f[2]);
    s.article.set_section(Section(f[4]));
    s.article.set_language("en");
    s.article.mutable_published_at()->set_seconds(millis / 1000);
    s.article.mutable_published_at()->set_nanos(static_cast<int32_t>(millis % 1000) * 1000000);
    out.push_back(std::move(s));
  }
  if (skipped != nullptr) *skipped = bad;
  return out;
}

std::optional<std::string> FindUciNews() {
  std::vector<std::filesystem::path> candidates;
  if (const char* dir = std::getenv("HEADLINER_SHARED_DIR")) {
    candidates.push_back(std::filesystem::path(dir) / "data" / "uci-news-dev.csv");
  }
  candidates.push_back(std::filesystem::path("..") / "shared" / "data" / "uci-news-dev.csv");
  for (const auto& p : candidates) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return p.string();
  }
  return std::nullopt;
}

}  // namespace headliner
