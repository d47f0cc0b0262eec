// JSON string literals for output whose text is arbitrary bytes: the CLI's line-per-message
// output (`headliner-cli consume`) and the JSON log format (common/log.h).
#ifndef HEADLINER_COMMON_JSON_TEXT_H_
#define HEADLINER_COMMON_JSON_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace headliner {

// `bytes` as a quoted JSON string (RFC 8259): quote, backslash and control characters escaped,
// valid UTF-8 kept, and every byte that is not part of valid UTF-8 replaced by U+FFFD, so the
// result always parses.
std::string JsonQuote(absl::string_view bytes);

}  // namespace headliner

#endif  // HEADLINER_COMMON_JSON_TEXT_H_
