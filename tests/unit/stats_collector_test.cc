#include "serve/stats_collector.h"

#include <cmath>
#include <tuple>

#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"

namespace headliner {
namespace {

std::string Text(const v1::StatsResponse& stats) {
  return prometheus::TextSerializer().Serialize(MetricFamiliesOf(stats));
}

TEST(StatsCollectorTest, HistogramsAreCumulativeWithAnInfiniteBucket) {
  v1::StatsResponse stats;
  v1::IngestStats& ingest = *stats.mutable_ingest();
  ingest.set_enabled(true);
  v1::Histogram& h = *ingest.mutable_batch_events();
  h.add_bounds(10);
  h.add_bounds(100);
  h.add_counts(2);
  h.add_counts(3);
  h.add_counts(1);
  h.set_sum(420);
  h.set_count(6);
  const std::string text = Text(stats);
  EXPECT_NE(text.find("headliner_ingest_batch_events_bucket{le=\"10\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("headliner_ingest_batch_events_bucket{le=\"100\"} 5\n"), std::string::npos);
  EXPECT_NE(text.find("headliner_ingest_batch_events_bucket{le=\"+Inf\"} 6\n"), std::string::npos);
  EXPECT_NE(text.find("headliner_ingest_batch_events_count 6\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE headliner_ingest_batch_events histogram"), std::string::npos);
}

TEST(StatsCollectorTest, RejectionsSplitIntoTopicAndReasonAndIngestIsOmittedWhenOff) {
  v1::StatsResponse stats;
  (*stats.mutable_rejected())["clicks/unknown_article"] = 7;
  const std::string text = Text(stats);
  EXPECT_NE(
      text.find("headliner_events_rejected_total{reason=\"unknown_article\",topic=\"clicks\"} 7"),
      std::string::npos)
      << text;
  EXPECT_EQ(text.find("headliner_ingest_"), std::string::npos);
}

TEST(StatsCollectorTest, ExperimentCountsAreOneSeriesPerExperimentAndVariant) {
  v1::StatsResponse stats;
  for (const auto& [variant, impressions, clicks] :
       {std::tuple<const char*, int, int>{"control", 1000, 41}, {"treatment", 990, 57}}) {
    v1::ExperimentVariantCounts& v = *stats.mutable_experiments()->add_variants();
    v.set_experiment("ranking-2026-12");
    v.set_variant(variant);
    v.set_units(impressions / 10);
    v.set_impressions(impressions);
    v.set_clicks(clicks);
  }
  const std::string text = Text(stats);
  for (const char* line :
       {"headliner_experiment_impressions_total{experiment=\"ranking-2026-12\",variant=\"control\"}"
        " "
        "1000\n",
        "headliner_experiment_clicks_total{experiment=\"ranking-2026-12\",variant=\"treatment\"} "
        "57\n",
        "headliner_experiment_units_total{experiment=\"ranking-2026-12\",variant=\"treatment\"} "
        "99\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " in\n" << text;
  }
  // One family per name, whatever the number of variants.
  size_t families = 0;
  for (size_t at = 0;
       (at = text.find("# TYPE headliner_experiment_clicks_total", at)) != std::string::npos;
       ++at) {
    ++families;
  }
  EXPECT_EQ(families, 1u);
}

TEST(StatsCollectorTest, EveryFamilyIsNamedByTheConventions) {
  v1::StatsResponse stats;
  stats.mutable_ingest()->set_enabled(true);
  stats.mutable_ingest()->add_partitions()->set_topic("clicks");
  stats.mutable_index_snapshots();
  stats.mutable_experiments()->add_variants()->set_experiment("e");
  for (const prometheus::MetricFamily& f : MetricFamiliesOf(stats)) {
    SCOPED_TRACE(f.name);
    EXPECT_TRUE(f.name.rfind("headliner_", 0) == 0 || f.name.rfind("process_", 0) == 0);
    const bool total = f.name.size() > 6 && f.name.substr(f.name.size() - 6) == "_total";
    EXPECT_EQ(f.type == prometheus::MetricType::Counter, total);
    EXPECT_FALSE(f.help.empty());
    for (const prometheus::ClientMetric& m : f.metric) {
      EXPECT_TRUE(std::is_sorted(m.label.begin(), m.label.end()));
    }
  }
}

}  // namespace
}  // namespace headliner
