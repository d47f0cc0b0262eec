#include "load/request_mix.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "headliner/v1/article.pb.h"
#include "headliner/v1/click.pb.h"

namespace headliner::bench {
namespace {

template <typename Message>
absl::StatusOr<std::vector<Message>> ReadJsonLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<Message> out;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Message m;
    if (!google::protobuf::util::JsonStringToMessage(line, &m, options).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": not a ", m.GetTypeName(), ": ", line.substr(0, 80)));
    }
    out.push_back(std::move(m));
  }
  return out;
}

// Samples ranks in [0, n) with P(rank) proportional to 1 / (rank + 1)^s.
class ZipfSampler {
 public:
  ZipfSampler(size_t n, double s) : cdf_(n) {
    double total = 0;
    for (size_t i = 0; i < n; ++i) cdf_[i] = total += 1.0 / std::pow(static_cast<double>(i + 1), s);
    for (double& c : cdf_) c /= total;
  }
  template <typename Rng>
  size_t operator()(Rng& rng) {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return std::min(
        cdf_.size() - 1,
        static_cast<size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin()));
  }

 private:
  std::vector<double> cdf_;
};

}  // namespace

absl::StatusOr<std::vector<v1::GetRelatedRequest>> DrawRequests(const RequestMixOptions& o) {
  absl::StatusOr<std::vector<v1::Article>> catalog = ReadJsonLines<v1::Article>(o.catalog_path);
  if (!catalog.ok()) return catalog.status();
  if (catalog->empty()) return absl::InvalidArgumentError("the catalog is empty");
  std::vector<std::string> sessions;
  if (!o.clicks_path.empty()) {
    absl::StatusOr<std::vector<v1::ClickEvent>> clicks =
        ReadJsonLines<v1::ClickEvent>(o.clicks_path);
    if (!clicks.ok()) return clicks.status();
    std::set<std::string> distinct;
    for (const v1::ClickEvent& c : *clicks) {
      if (!c.session_id().empty()) distinct.insert(c.session_id());
    }
    sessions.assign(distinct.begin(), distinct.end());
  }
  std::vector<std::string> sections;
  {
    std::set<std::string> distinct;
    for (const v1::Article& a : *catalog) {
      if (!a.section().empty()) distinct.insert(a.section());
    }
    sections.assign(distinct.begin(), distinct.end());
  }

  std::mt19937_64 rng(o.seed);
  // Popularity ranks are a random permutation of the catalog, not its file order.
  std::vector<size_t> by_rank(catalog->size());
  for (size_t i = 0; i < by_rank.size(); ++i) by_rank[i] = i;
  std::shuffle(by_rank.begin(), by_rank.end(), rng);
  ZipfSampler zipf(catalog->size(), o.zipf_exponent);
  std::bernoulli_distribution filtered(o.section_filter_share);

  std::vector<v1::GetRelatedRequest> out(static_cast<size_t>(o.requests));
  for (v1::GetRelatedRequest& r : out) {
    r.set_article_id((*catalog)[by_rank[zipf(rng)]].id());
    r.set_limit(o.limit);
    if (!sessions.empty()) r.set_session_id(sessions[rng() % sessions.size()]);
    if (!sections.empty() && filtered(rng)) {
      r.mutable_filter()->add_sections(sections[rng() % sections.size()]);
    }
  }
  return out;
}

}  // namespace headliner::bench
