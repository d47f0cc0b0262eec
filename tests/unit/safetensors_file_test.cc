#include "encode/safetensors_file.h"

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "encode/model_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace headliner {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A safetensors file: the header length, `json`, then `data`.
std::vector<std::byte> File(const std::string& json, const std::vector<float>& data) {
  std::vector<std::byte> out(8);
  uint64_t n = json.size();
  for (int i = 0; i < 8; ++i) out[i] = std::byte(static_cast<uint8_t>(n >> (8 * i)));
  for (char c : json) out.push_back(std::byte(static_cast<uint8_t>(c)));
  const size_t at = out.size();
  out.resize(at + data.size() * sizeof(float));
  std::memcpy(out.data() + at, data.data(), data.size() * sizeof(float));
  return out;
}

// Padded with spaces (as safetensors writers do) to keep the data 4-byte aligned.
std::string Header(const std::string& tensors) {
  std::string json = "{" + tensors + "}";
  json.resize((json.size() + 7) / 8 * 8, ' ');
  return json;
}

TEST(SafetensorsFileTest, ReadsTensorsAsTheHeaderDescribes) {
  const std::vector<std::byte> bytes =
      File(Header(R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24}],)"
                  R"("__metadata__":{"format":"pt"})"),
           {1, 2, 3, 4, 5, 6});
  auto file = SafetensorsFile::FromBytes(bytes, "t.safetensors");
  // A typo in the header above ("24}") is not JSON: refused by name.
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(file.status().message(), HasSubstr("t.safetensors: not a valid safetensors file"));

  const std::vector<std::byte> good =
      File(Header(R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                  R"("__metadata__":{"format":"pt"})"),
           {1, 2, 3, 4, 5, 6});
  file = SafetensorsFile::FromBytes(good, "t.safetensors");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT((*file)->names(), ElementsAre("w"));
  auto w = (*file)->Floats("w", {2, 3});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_THAT(*w, ElementsAre(1, 2, 3, 4, 5, 6));
  EXPECT_THAT((*file)->Floats("w", {3, 2}).status().message(),
              HasSubstr("tensor w is F32[2, 3], expected F32[3, 2]"));
  EXPECT_EQ((*file)->Find("v").status().code(), absl::StatusCode::kNotFound);
}

TEST(SafetensorsFileTest, ATruncatedOrInconsistentFileIsAnErrorAtOpen) {
  const std::string tensor = R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]})";
  std::vector<std::byte> truncated = File(Header(tensor), {1, 2, 3, 4, 5});  // one float short
  EXPECT_THAT(SafetensorsFile::FromBytes(truncated, "x").status().message(),
              HasSubstr("w: data_offsets do not fit its shape or the file"));
  const std::vector<std::byte> wrong_shape = File(
      Header(R"("w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,24]})"), {1, 2, 3, 4, 5, 6});
  EXPECT_FALSE(SafetensorsFile::FromBytes(wrong_shape, "x").ok());
  const std::vector<std::byte> dtype =
      File(Header(R"("w":{"dtype":"Q4","shape":[6],"data_offsets":[0,24]})"), {1, 2, 3, 4, 5, 6});
  EXPECT_THAT(SafetensorsFile::FromBytes(dtype, "x").status().message(),
              HasSubstr("unknown dtype Q4"));
  std::vector<std::byte> long_header = File(Header(tensor), {1, 2, 3, 4, 5, 6});
  long_header[3] = std::byte{1};  // the header's length past the end
  EXPECT_THAT(SafetensorsFile::FromBytes(long_header, "x").status().message(),
              HasSubstr("header length past the end"));
  EXPECT_FALSE(SafetensorsFile::FromBytes(std::vector<std::byte>(4), "x").ok());
  EXPECT_EQ(SafetensorsFile::Open("/nonexistent.safetensors").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(SafetensorsFileTest, OpensTheModelsWeights) {
  const std::string path = DefaultMiniLmDir() + "/model.safetensors";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << path << " is missing: run scripts/model (scripts/setup does)";
  }
  auto file = SafetensorsFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ((*file)->names().size(), 104u);  // 6 layers of 16, embeddings and their norm
  auto words = (*file)->Floats("embeddings.word_embeddings.weight", {30522, 384});
  ASSERT_TRUE(words.ok()) << words.status();
  // The first values, as Python's struct module reads them.
  EXPECT_THAT(words->first(4), ElementsAre(-0.019989013671875f, -0.0034027099609375f,
                                           -0.014678955078125f, 0.0117034912109375f));
}

}  // namespace
}  // namespace headliner
