#ifndef HEADLINER_COMMON_VERSION_H_
#define HEADLINER_COMMON_VERSION_H_

namespace headliner {

// The project version from CMakeLists.txt, e.g. "0.1.0".
const char* Version();

}  // namespace headliner

#endif  // HEADLINER_COMMON_VERSION_H_
