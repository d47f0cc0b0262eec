// Early-return helpers for absl::Status, as in RocksDB and Abseil-based codebases.
#ifndef HEADLINER_COMMON_STATUS_MACROS_H_
#define HEADLINER_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"

#define HL_STATUS_CONCAT_INNER(a, b) a##b
#define HL_STATUS_CONCAT(a, b) HL_STATUS_CONCAT_INNER(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                                 \
  do {                                                        \
    if (::absl::Status hl_status = (expr); !hl_status.ok()) { \
      return hl_status;                                       \
    }                                                         \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a StatusOr, or returns its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(HL_STATUS_CONCAT(hl_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(*tmp)

#endif  // HEADLINER_COMMON_STATUS_MACROS_H_
