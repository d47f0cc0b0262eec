// The sentence model all-MiniLM-L6-v2 in-process: BERT uncased WordPiece
// (wordpiece_tokenizer.h), then a BERT encoder (6 layers, 12 heads, hidden 384, intermediate 1536,
// exact GELU, LayerNorm after each block, eps 1e-12) over libtorch's ops with the weights of the
// model's safetensors file, then sentence-transformers' pooling: the mean of the last hidden
// states over the real tokens, L2-normalised. A batch of texts is one forward pass (padded to its
// longest text, at most 128 tokens); a long batch is split into passes of up to kPassTexts texts
// of similar length, which bounds the attention tensors and the padding.
//
// The model directory is the one scripts/model fetches (vocab.txt, model.safetensors).
//
// Thread safety: Encode is const; libtorch runs each call on the calling thread alone (at load,
// the process's intra-op pool and OpenBLAS's are set to one thread), so encoding never takes more
// than the thread that asked for it.
#ifndef HEADLINER_ENCODE_MINILM_ENCODER_H_
#define HEADLINER_ENCODE_MINILM_ENCODER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "encode/safetensors_file.h"
#include "encode/sentence_encoder.h"
#include "encode/wordpiece_tokenizer.h"

namespace headliner {

class MiniLmEncoder : public SentenceEncoder {
 public:
  static constexpr int kDimension = 384;
  static constexpr size_t kMaxTokens = 128;
  static constexpr size_t kPassTexts = 32;

  // NOT_FOUND naming the missing file when `model_dir` lacks the model.
  static absl::StatusOr<std::unique_ptr<MiniLmEncoder>> Load(const std::string& model_dir);
  ~MiniLmEncoder() override;

  int dimension() const override { return kDimension; }
  // One unit-length embedding of kDimension floats per text, in order.
  absl::StatusOr<std::vector<std::vector<float>>> Encode(
      absl::Span<const std::string> texts) const override;

  const WordPieceTokenizer& tokenizer() const { return *tokenizer_; }

 private:
  struct Weights;  // libtorch tensors over the mapped file
  MiniLmEncoder(std::unique_ptr<WordPieceTokenizer> tokenizer,
                std::unique_ptr<SafetensorsFile> file, std::unique_ptr<Weights> weights);

  // One forward pass over texts already tokenized.
  absl::StatusOr<std::vector<std::vector<float>>> Forward(
      absl::Span<const std::vector<int32_t>* const> ids) const;

  const std::unique_ptr<WordPieceTokenizer> tokenizer_;
  const std::unique_ptr<SafetensorsFile> file_;  // the weights' memory
  const std::unique_ptr<Weights> weights_;
};

}  // namespace headliner

#endif  // HEADLINER_ENCODE_MINILM_ENCODER_H_
