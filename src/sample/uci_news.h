// Reader for the UCI News Aggregator CSV (ID,TITLE,URL,PUBLISHER,CATEGORY,STORY,HOSTNAME,
// TIMESTAMP), used by quality tests and benchmarks. The file is not part of the repo: callers find
// it under $HEADLINER_SHARED_DIR/data or ../shared/data and skip when it is absent.
#ifndef HEADLINER_SAMPLE_UCI_NEWS_H_
#define HEADLINER_SAMPLE_UCI_NEWS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sample/sample_catalog.h"

namespace headliner {

// Splits one CSV line (RFC 4180 quoting, no embedded newlines).
std::vector<std::string> SplitCsvLine(const std::string& line);

// Reads the file as articles (id "uci-<ID>", section from CATEGORY, published_at from TIMESTAMP)
// labelled with their STORY. Malformed rows are skipped and counted in `skipped`.
absl::StatusOr<std::vector<SampleArticle>> ReadUciNews(const std::string& path, int* skipped);

// The path of uci-news-dev.csv if it exists: $HEADLINER_SHARED_DIR/data/, else ../shared/data/
// relative to the working directory.
std::optional<std::string> FindUciNews();

}  // namespace headliner

#endif  // HEADLINER_SAMPLE_UCI_NEWS_H_
