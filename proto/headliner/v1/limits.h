// Size limits of the wire contract, in bytes unless named otherwise: the numbers the .proto files
// beside this header document on each field. Every validator (src/ingest for events, src/serve for
// requests) reads them from here, so the contract and its checks cannot drift apart.
#ifndef HEADLINER_V1_LIMITS_H_
#define HEADLINER_V1_LIMITS_H_

#include <cstddef>

namespace headliner::v1 {

// Article (article.proto).
inline constexpr size_t kMaxArticleIdBytes = 256;
inline constexpr size_t kMaxHeadlineBytes = 1024;
inline constexpr size_t kMaxUrlBytes = 2048;
inline constexpr size_t kMaxSectionBytes = 64;
inline constexpr size_t kMaxLanguageBytes = 16;
inline constexpr size_t kMaxTags = 32;
inline constexpr size_t kMaxTagBytes = 64;

// ClickEvent (click.proto): event ids, user and session ids, and the response token.
inline constexpr size_t kMaxClickIdBytes = 256;
inline constexpr size_t kMaxTokenBytes = 2048;

// GetRelatedRequest (related.proto). Article, user and session ids share the article id's limit.
inline constexpr size_t kMaxIdBytes = kMaxArticleIdBytes;
inline constexpr int kMaxFilterValues = 32;
inline constexpr size_t kMaxFilterValueBytes = 64;
inline constexpr int kMaxExcludeIds = 1000;

}  // namespace headliner::v1

#endif  // HEADLINER_V1_LIMITS_H_
