// Helpers shared by the tests: a self-removing temporary directory, article builders and random
// unit vectors.
#ifndef HEADLINER_TESTS_TEST_UTIL_H_
#define HEADLINER_TESTS_TEST_UTIL_H_

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "headliner/v1/article.pb.h"
#include "headliner/v1/click.pb.h"

namespace headliner::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "headliner-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline v1::Article MakeArticle(const std::string& id, const std::string& headline,
                               absl::Time published, const std::string& section = "world") {
  v1::Article a;
  a.set_id(id);
  a.set_headline(headline);
  a.set_section(section);
  a.set_language("en");
  a.set_url("https://news.example.com/" + id);
  a.mutable_published_at()->set_seconds(absl::ToUnixSeconds(published));
  return a;
}

inline void SetUpdatedAt(v1::Article& a, absl::Time t) {
  a.mutable_updated_at()->set_seconds(absl::ToUnixSeconds(t));
}

inline v1::ClickEvent MakeClick(const std::string& event_id, const std::string& session,
                                const std::string& article_id, absl::Time when) {
  v1::ClickEvent c;
  c.set_event_id(event_id);
  c.set_session_id(session);
  c.set_article_id(article_id);
  const int64_t micros = absl::ToUnixMicros(when);
  c.mutable_occurred_at()->set_seconds(micros / 1000000);
  c.mutable_occurred_at()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return c;
}

// A random vector of unit L2 norm (Gaussian coordinates, so its direction is uniform).
inline std::vector<float> RandomUnitVector(std::mt19937& rng, int dimension) {
  std::normal_distribution<float> normal;
  std::vector<float> v(dimension);
  float norm = 0;
  for (float& x : v) {
    x = normal(rng);
    norm += x * x;
  }
  for (float& x : v) x /= std::sqrt(norm);
  return v;
}

// `v` moved by `step` (standard deviation per coordinate) in a random direction, unit normalised.
inline std::vector<float> Nudged(std::vector<float> v, std::mt19937& rng, float step) {
  std::normal_distribution<float> normal(0, step);
  float norm = 0;
  for (float& x : v) {
    x += normal(rng);
    norm += x * x;
  }
  for (float& x : v) x /= std::sqrt(norm);
  return v;
}

}  // namespace headliner::testing

#endif  // HEADLINER_TESTS_TEST_UTIL_H_
