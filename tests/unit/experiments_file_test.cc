#include "experiment/experiments_file.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace headliner {
namespace {

using ::testing::HasSubstr;

std::string OneExperiment(const std::string& key, const std::string& state = "running") {
  return "layers:\n  - name: l\n    experiments:\n      - key: " + key +
         "\n        unit: session\n        state: " + state +
         "\n        control: c\n        variants:\n          - {name: c, weight: 0.5}\n"
         "          - {name: t, weight: 0.5, ranking: {behaviour_weight: 2}}\n";
}

// A ConfigMap volume as the kubelet lays it out: the file is a link through "..data", which an
// update points at a new timestamped directory in one rename.
class ConfigMapVolume {
 public:
  explicit ConfigMapVolume(const std::string& dir) : dir_(dir) {}
  void Write(const std::string& text) {
    const std::filesystem::path version = dir_ / ("..v" + std::to_string(++versions_));
    std::filesystem::create_directory(version);
    std::ofstream(version / "experiments.yaml") << text;
    const std::filesystem::path tmp = dir_ / "..data_tmp";
    std::filesystem::create_directory_symlink(version.filename(), tmp);
    std::filesystem::rename(tmp, dir_ / "..data");  // atomic swap of the link
    if (!std::filesystem::exists(path())) {
      std::filesystem::create_symlink("..data/experiments.yaml", path());
    }
  }
  std::string path() const { return (dir_ / "experiments.yaml").string(); }

 private:
  const std::filesystem::path dir_;
  int versions_ = 0;
};

class ExperimentsFileTest : public ::testing::Test {
 protected:
  ExperimentsFileTest() : volume_(dir_.path()) {}
  std::unique_ptr<ExperimentsFile> Open(absl::Duration interval = absl::Hours(1)) {
    ExperimentOptions options;
    options.file = volume_.path();
    options.reload_interval = interval;
    auto file = ExperimentsFile::Open(options, ranking_);
    EXPECT_TRUE(file.ok()) << file.status();
    return file.ok() ? *std::move(file) : nullptr;
  }
  static std::string KeyOf(const ExperimentsFile& f) {
    auto c = f.current();
    return c->layers.empty() ? "" : c->layers[0].experiments[0].key;
  }

  testing::TempDir dir_;
  ConfigMapVolume volume_;
  RankingConfig ranking_;
};

TEST_F(ExperimentsFileTest, WithoutAFileThereAreNoExperiments) {
  auto file = ExperimentsFile::Open({}, ranking_);
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE((*file)->current()->layers.empty());
  EXPECT_TRUE((*file)->ReloadNow().ok());
}

TEST_F(ExperimentsFileTest, AnInvalidOrMissingFileStopsTheStartWithItsError) {
  ExperimentOptions options;
  options.file = volume_.path();
  auto missing = ExperimentsFile::Open(options, ranking_);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot read the experiments file"));
  volume_.Write(OneExperiment("a", "paused"));
  auto invalid = ExperimentsFile::Open(options, ranking_);
  ASSERT_FALSE(invalid.ok());
  EXPECT_THAT(invalid.status().message(),
              HasSubstr("experiments.yaml:6: layers[0].experiments[0].state: must be running or "
                        "stopped"));
}

TEST_F(ExperimentsFileTest, AConfigMapUpdateIsAppliedAndABrokenOneKeepsTheRunningConfig) {
  volume_.Write(OneExperiment("first"));
  std::unique_ptr<ExperimentsFile> file = Open();
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(KeyOf(*file), "first");
  const std::shared_ptr<const ExperimentsConfig> held = file->current();

  volume_.Write(OneExperiment("second"));
  ASSERT_TRUE(file->ReloadNow().ok());
  EXPECT_EQ(KeyOf(*file), "second");
  EXPECT_EQ(held->layers[0].experiments[0].key, "first");  // a request's config stays whole
  EXPECT_EQ(file->Status().reloads, 1u);

  volume_.Write("layers: [\n");
  EXPECT_FALSE(file->ReloadNow().ok());
  EXPECT_FALSE(file->ReloadNow().ok());
  EXPECT_EQ(KeyOf(*file), "second");
  ExperimentsFileStatus status = file->Status();
  EXPECT_EQ(status.reload_failures, 1u);  // one refused file, however often it is read
  EXPECT_THAT(status.last_error, HasSubstr("experiments.yaml:2: not valid YAML"));

  volume_.Write(OneExperiment("third"));
  ASSERT_TRUE(file->ReloadNow().ok());
  EXPECT_EQ(KeyOf(*file), "third");
  EXPECT_EQ(file->Status().last_error, "");
  EXPECT_EQ(file->Status().reloads, 2u);
}

TEST_F(ExperimentsFileTest, TheWatcherPicksUpAChangeWithinItsInterval) {
  volume_.Write(OneExperiment("first"));
  std::unique_ptr<ExperimentsFile> file = Open(absl::Milliseconds(50));
  ASSERT_NE(file, nullptr);
  volume_.Write(OneExperiment("second"));
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (KeyOf(*file) != "second" && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(KeyOf(*file), "second");
}

}  // namespace
}  // namespace headliner
