#include "common/version.h"

namespace headliner {

const char* Version() { return HEADLINER_VERSION; }

}  // namespace headliner
