// absl::Status -> grpc::Status. The canonical codes share their numbers.
#ifndef HEADLINER_SERVE_GRPC_STATUS_H_
#define HEADLINER_SERVE_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace headliner {

inline grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

}  // namespace headliner

#endif  // HEADLINER_SERVE_GRPC_STATUS_H_
