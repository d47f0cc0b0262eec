#include "cli/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "absl/time/clock.h"

namespace headliner {

ProgressBar::ProgressBar(std::string label, uint64_t total)
    : label_(std::move(label)),
      total_(total),
      interactive_(isatty(STDERR_FILENO) == 1),
      started_(absl::Now()) {}

void ProgressBar::Update(uint64_t done, const std::string& detail) {
  if (!interactive_) return;
  const absl::Time now = absl::Now();
  if (now - last_draw_ < absl::Milliseconds(100)) return;
  last_draw_ = now;
  Draw(done, detail, false);
}

void ProgressBar::Finish(uint64_t done, const std::string& detail) { Draw(done, detail, true); }

void ProgressBar::Draw(uint64_t done, const std::string& detail, bool final) {
  constexpr int kWidth = 30;
  const double fraction =
      total_ == 0 ? 0.0 : std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '.');
  const double seconds = absl::ToDoubleSeconds(absl::Now() - started_);
  const double rate = seconds > 0 ? done / seconds : 0;
  std::fprintf(stderr, "%s%s [%s] %llu/%llu %3.0f%% %.0f/s %s%s", interactive_ ? "\r" : "",
               label_.c_str(), bar.c_str(), static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total_), fraction * 100, rate, detail.c_str(),
               final ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace headliner
