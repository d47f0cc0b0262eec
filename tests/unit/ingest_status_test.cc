#include "kafka/ingest_status.h"

#include "gtest/gtest.h"

namespace headliner {
namespace {

TEST(IngestStatusTest, StateAndLagSayWhatIsTrueNow) {
  IngestStatus s;
  DeriveState(s, false);
  EXPECT_EQ(s.state, IngestState::kDisconnected);
  EXPECT_EQ(s.total_lag, -1);

  s.connected = true;  // connected, nothing assigned: not "lag 0"
  DeriveState(s, false);
  EXPECT_EQ(s.state, IngestState::kJoining);
  EXPECT_EQ(s.total_lag, -1);

  s.partitions = {{"articles", 0, 10, 15}, {"clicks", 0, 3, -1}};  // an end offset unknown
  DeriveState(s, false);
  EXPECT_EQ(s.state, IngestState::kCatchingUp);
  EXPECT_EQ(s.total_lag, -1);

  s.partitions[1].high_watermark = 3;
  DeriveState(s, false);
  EXPECT_EQ(s.state, IngestState::kCatchingUp);
  EXPECT_EQ(s.total_lag, 5);

  s.partitions[0].next_offset = 15;
  DeriveState(s, false);
  EXPECT_EQ(s.state, IngestState::kLive);
  EXPECT_EQ(s.total_lag, 0);

  DeriveState(s, true);
  EXPECT_EQ(s.state, IngestState::kPausedStorage);
  EXPECT_STREQ(IngestStateName(s.state), "paused_storage");
}

}  // namespace
}  // namespace headliner
