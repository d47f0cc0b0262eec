// Where each content encoder puts the near-duplicate threshold (ranking.near_duplicate_threshold:
// of two candidates at least this similar, only one is shown). On the UCI dev headlines, every pair
// of headlines is labelled a textual near-duplicate when their word sets (lower case, wire prefixes
// such as "UPDATE 2-" dropped) have Jaccard similarity >= --jaccard; then, per cosine threshold and
// encoder, how many pairs reach it, how many of those are textual near-duplicates (precision),
// how many textual near-duplicates it catches (recall), and how many pairs it would merge that
// are not even the same story. The hashed encoder's row at 0.97 (its calibrated default) is the
// baseline the sentence model's threshold is chosen against.
//   HEADLINER_SHARED_DIR=../shared build/bench/near_duplicate_bench [--jaccard 0.8]
#include <algorithm>
#include <cstdio>
#include <set>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "encode/document_frequencies.h"
#include "encode/minilm_encoder.h"
#include "encode/model_dir.h"
#include "encode/text_encoder.h"
#include "sample/uci_news.h"

ABSL_FLAG(double, jaccard, 0.8, "Word-set Jaccard from which two headlines are near-duplicates.");
ABSL_FLAG(int, examples, 8,
          "Pairs of one story the model puts at cosine >= 0.97 that are not textual "
          "near-duplicates, printed to show what the threshold merges beyond them.");

namespace headliner {
namespace {

std::set<std::string> Words(const std::string& headline) {
  std::string text = absl::AsciiStrToLower(headline);
  // Wire prefixes: "UPDATE 2-", "RPT-", "CORRECTED-", "REFILE-".
  for (absl::string_view prefix : {"update", "rpt", "corrected", "refile"}) {
    const size_t dash = text.find('-');
    if (absl::StartsWith(text, prefix) && dash != std::string::npos && dash < prefix.size() + 4) {
      text.erase(0, dash + 1);
      break;
    }
  }
  for (char& c : text) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) c = ' ';
  }
  std::set<std::string> words;
  for (absl::string_view w : absl::StrSplit(text, ' ', absl::SkipEmpty())) words.emplace(w);
  return words;
}

double Jaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  size_t common = 0;
  for (const std::string& w : a) common += b.count(w);
  const size_t all = a.size() + b.size() - common;
  return all == 0 ? 1.0 : static_cast<double>(common) / all;
}

float Dot(const std::vector<float>& a, const std::vector<float>& b) {
  float dot = 0;
  for (size_t i = 0; i < a.size(); ++i) dot += a[i] * b[i];
  return dot;
}

struct Pair {
  float cosine;
  bool near_duplicate;
  bool same_story;
};

void Report(const char* encoder, const std::vector<Pair>& pairs, size_t near_duplicates) {
  for (double t : {0.90, 0.93, 0.95, 0.96, 0.97, 0.98, 0.99}) {
    size_t above = 0, right = 0, other_story = 0;
    for (const Pair& p : pairs) {
      if (p.cosine < t) continue;
      ++above;
      right += p.near_duplicate;
      other_story += !p.same_story;
    }
    std::printf("| %s | %.2f | %zu | %.3f | %.3f | %zu |\n", encoder, t, above,
                above ? static_cast<double>(right) / above : 0.0,
                near_duplicates ? static_cast<double>(right) / near_duplicates : 0.0, other_story);
  }
}

int Run() {
  const std::optional<std::string> path = FindUciNews();
  if (!path) return std::fprintf(stderr, "uci-news-dev.csv not found\n"), 1;
  absl::StatusOr<std::vector<SampleArticle>> uci = ReadUciNews(*path, nullptr);
  if (!uci.ok()) return 1;
  std::vector<std::string> headlines;
  for (const SampleArticle& a : *uci) headlines.push_back(a.article.headline());

  absl::StatusOr<std::unique_ptr<MiniLmEncoder>> minilm = MiniLmEncoder::Load(DefaultMiniLmDir());
  if (!minilm.ok()) return std::fprintf(stderr, "%s\n", minilm.status().ToString().c_str()), 1;
  absl::StatusOr<std::vector<std::vector<float>>> model = (*minilm)->Encode(headlines);
  if (!model.ok()) return 1;
  // The hashed encoder with the whole catalog's document frequencies.
  EncoderConfig config;
  const TextEncoder text_encoder(config);
  DocumentFrequencies df(config.feature_buckets);
  for (const std::string& h : headlines) df.AddDocument(text_encoder.Buckets(h));
  std::vector<std::vector<float>> hashed;
  for (const std::string& h : headlines) hashed.push_back(text_encoder.Encode(h, df));

  std::vector<std::set<std::string>> words;
  for (const std::string& h : headlines) words.push_back(Words(h));
  std::vector<Pair> model_pairs, hashed_pairs;
  size_t near_duplicates = 0;
  for (size_t i = 0; i < headlines.size(); ++i) {
    for (size_t j = i + 1; j < headlines.size(); ++j) {
      const bool dup = Jaccard(words[i], words[j]) >= absl::GetFlag(FLAGS_jaccard);
      const bool story = (*uci)[i].story == (*uci)[j].story;
      near_duplicates += dup;
      model_pairs.push_back({Dot((*model)[i], (*model)[j]), dup, story});
      hashed_pairs.push_back({Dot(hashed[i], hashed[j]), dup, story});
    }
  }
  std::printf("%zu headlines, %zu pairs, %zu textual near-duplicates (word Jaccard >= %.2f)\n\n",
              headlines.size(), model_pairs.size(), near_duplicates, absl::GetFlag(FLAGS_jaccard));
  std::printf(
      "| encoder | cosine >= | pairs | near-duplicates among them | of all caught | "
      "pairs of different stories |\n|---|---:|---:|---:|---:|---:|\n");
  Report("hashed/256", hashed_pairs, near_duplicates);
  Report("minilm/384", model_pairs, near_duplicates);
  std::printf("\nminilm/384 at cosine >= 0.97, not textual near-duplicates:\n");
  int shown = 0;
  for (size_t i = 0, k = 0; i < headlines.size() && shown < absl::GetFlag(FLAGS_examples); ++i) {
    for (size_t j = i + 1; j < headlines.size() && shown < absl::GetFlag(FLAGS_examples);
         ++j, ++k) {
      const Pair& p = model_pairs[k];
      if (p.cosine < 0.97f || p.near_duplicate || !p.same_story) continue;
      std::printf("  %.3f  %s  |  %s\n", p.cosine, headlines[i].c_str(), headlines[j].c_str());
      ++shown;
    }
  }
  return 0;
}

}  // namespace
}  // namespace headliner

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return headliner::Run();
}
