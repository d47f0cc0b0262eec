// Where the sentence model's files are: HEADLINER_MODEL_DIR, else the cache scripts/model fills
// (~/.cache/headliner/models/all-minilm-l6-v2).
#ifndef HEADLINER_ENCODE_MODEL_DIR_H_
#define HEADLINER_ENCODE_MODEL_DIR_H_

#include <string>

namespace headliner {

std::string DefaultMiniLmDir();

}  // namespace headliner

#endif  // HEADLINER_ENCODE_MODEL_DIR_H_
