// A realistic synthetic click stream over a catalog, for the demo, the ingest tests and the
// quality harness. Readers arrive over a time span; each session starts at an article drawn
// with a popularity skew (Zipf over a random ranking of the articles) and keeps clicking: mostly
// more articles of the same story, else of the story's companion (each story has one, chosen at
// random: the audiences that overlap for reasons the headlines do not show, such as a celebrity's
// film and their trial), else of the same section, else anything popular. Only articles already
// published at the time of a click are clicked. Deterministic for a seed.
#ifndef HEADLINER_SAMPLE_CLICK_SIMULATOR_H_
#define HEADLINER_SAMPLE_CLICK_SIMULATOR_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "headliner/v1/click.pb.h"
#include "sample/sample_catalog.h"

namespace headliner {

struct ClickSimulatorOptions {
  int sessions = 1000;
  uint64_t seed = 7;
  // Clicks happen in [start, start + span); start defaults to the newest article's time - span.
  absl::Time start = absl::InfinitePast();
  absl::Duration span = absl::Hours(24);
  // Zipf exponent of article popularity.
  double popularity_skew = 1.0;
  // Expected clicks per session (geometric, at least 1).
  double mean_clicks = 4.0;
  // Where the next click of a session goes: same story, else the companion story, else same
  // section, else anywhere.
  double same_story = 0.5;
  double companion_story = 0.15;
  double same_section = 0.2;
  // Mean time between two clicks of a session.
  absl::Duration mean_gap = absl::Seconds(90);
  // Fraction of sessions that carry a user id as well.
  double logged_in = 0.3;
  std::string id_prefix = "sim";
};

// Clicks in time order. Articles with an empty story are their own story.
std::vector<v1::ClickEvent> SimulateClicks(std::span<const SampleArticle> catalog,
                                           const ClickSimulatorOptions& options);

}  // namespace headliner

#endif  // HEADLINER_SAMPLE_CLICK_SIMULATOR_H_
