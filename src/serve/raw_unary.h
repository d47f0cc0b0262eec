// Serves a unary RPC registered raw (ByteBuffer in and out): the service parses the request
// itself. gRPC's callback API (1.51) answers a request it cannot parse with UNIMPLEMENTED and an
// empty message, which tells a client that sent, say, invalid UTF-8 in a string field nothing;
// here that is INVALID_ARGUMENT naming the message type. (Protobuf logs the field at ERROR; its
// log is rate-limited by the process, see RateLimitProtobufLogs.)
#ifndef HEADLINER_SERVE_RAW_UNARY_H_
#define HEADLINER_SERVE_RAW_UNARY_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"

namespace headliner {

// Parses `raw` into `request`; INVALID_ARGUMENT when it is not a valid message of its type.
template <typename Request>
grpc::Status ParseRequest(const grpc::ByteBuffer& raw, Request& request) {
  grpc::ByteBuffer copy(raw);  // Deserialize consumes its buffer; slices are shared, not copied
  if (grpc::GenericDeserialize<grpc::ProtoBufferReader, Request>(&copy, &request).ok()) {
    return grpc::Status::OK;
  }
  return grpc::Status(
      grpc::StatusCode::INVALID_ARGUMENT,
      absl::StrCat("request is not a valid ", Request::descriptor()->full_name(),
                   " (a string field holding invalid UTF-8, or bytes that are not protobuf)"));
}

// Parses the request, runs `handle(const Request&, Response&) -> grpc::Status` inline and
// finishes the call with the serialised response or the error.
template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* ServeUnaryRaw(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* raw_request,
                                        grpc::ByteBuffer* raw_response, Handler&& handle) {
  Request request;
  Response response;
  grpc::Status status = ParseRequest(*raw_request, request);
  if (status.ok()) status = handle(request, response);
  if (status.ok()) {
    bool own_buffer = false;
    status = grpc::GenericSerialize<grpc::ProtoBufferWriter, Response>(response, raw_response,
                                                                       &own_buffer);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

}  // namespace headliner

#endif  // HEADLINER_SERVE_RAW_UNARY_H_
