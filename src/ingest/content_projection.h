// Where a new article's behaviour vector starts when behaviour vectors have fewer dimensions than
// content vectors: a fixed random projection of its content vector (Johnson-Lindenstrauss), so
// articles that read alike still start near each other, at the behaviour dimension.
//
// Why a smaller dimension at all: every click's SGD steps, the vectors it reads and writes, and
// the behaviour index all cost in proportion to it, and behaviour similarity needs far fewer
// dimensions than a sentence model's 384 (item2vec's published settings are 50 to 100).
//
// The matrix is Achlioptas' sparse sign projection (entries +sqrt(3/k), 0, -sqrt(3/k) with
// probabilities 1/6, 2/3, 1/6 for k output dimensions), drawn from std::mt19937_64 with a fixed
// seed: the generator's output is specified by the standard, so every build and every replay
// starts an article at the same vector. Immutable after construction: thread-safe.
#ifndef HEADLINER_INGEST_CONTENT_PROJECTION_H_
#define HEADLINER_INGEST_CONTENT_PROJECTION_H_

#include <cstddef>
#include <span>
#include <vector>

namespace headliner {

class ContentProjection {
 public:
  // Projects `from`-dimensional vectors to `to` dimensions; the identity when they are equal.
  ContentProjection(size_t from, size_t to);

  size_t from() const { return from_; }
  size_t to() const { return to_; }

  // `content` must have from() values; returns to() values (a copy when the dimensions match).
  std::vector<float> Project(std::span<const float> content) const;

 private:
  size_t from_;
  size_t to_;
  std::vector<float> matrix_;  // to_ rows of from_ values; empty for the identity
};

}  // namespace headliner

#endif  // HEADLINER_INGEST_CONTENT_PROJECTION_H_
