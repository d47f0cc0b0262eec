#include "common/recommendation_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace headliner {
namespace {

constexpr size_t kMacBytes = 16;

std::string Mac(absl::string_view key, absl::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  return std::string(reinterpret_cast<const char*>(mac), std::min<size_t>(length, kMacBytes));
}

}  // namespace

std::string ItemCheck(absl::string_view article_id) {
  uint32_t h = 0x811c9dc5;
  for (const unsigned char c : article_id) h = (h ^ c) * 0x01000193;
  return std::string{static_cast<char>(h >> 24), static_cast<char>(h >> 16)};
}

bool TokenShowsItemAt(const v1::RecommendationToken& token, int position,
                      absl::string_view article_id) {
  const size_t at = 2 * static_cast<size_t>(position);
  return position >= 0 && at + 2 <= token.item_checks().size() &&
         absl::string_view(token.item_checks()).substr(at, 2) == ItemCheck(article_id);
}

std::string EncodeRecommendationToken(const v1::RecommendationToken& token, absl::string_view key) {
  const std::string message = token.SerializeAsString();
  return absl::StrCat(absl::WebSafeBase64Escape(message), ".",
                      absl::WebSafeBase64Escape(Mac(key, message)));
}

absl::StatusOr<v1::RecommendationToken> DecodeRecommendationToken(absl::string_view text,
                                                                  absl::string_view key) {
  const size_t dot = text.find('.');
  std::string message, mac;
  v1::RecommendationToken token;
  if (dot == absl::string_view::npos ||
      !absl::WebSafeBase64Unescape(text.substr(0, dot), &message) ||
      !absl::WebSafeBase64Unescape(text.substr(dot + 1), &mac) || !token.ParseFromString(message)) {
    return absl::InvalidArgumentError("malformed token");
  }
  const std::string expected = Mac(key, message);
  // Constant time, so that a forger learns nothing from how long a check took.
  if (mac.size() != expected.size() ||
      CRYPTO_memcmp(mac.data(), expected.data(), expected.size()) != 0) {
    return absl::InvalidArgumentError("token signature does not match");
  }
  return token;
}

}  // namespace headliner
