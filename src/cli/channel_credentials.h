// The CLI's channels: transport security (plaintext, TLS, or TLS with a client certificate) and,
// for the Admin service, the bearer token every call carries.
#ifndef HEADLINER_CLI_CHANNEL_CREDENTIALS_H_
#define HEADLINER_CLI_CHANNEL_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace headliner {

// Plaintext when all three are empty. Otherwise TLS trusting `ca_file` (empty: the system's
// roots), presenting `cert_file` and `key_file` when given. Reads the files now; an error names
// the flag.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const std::string& ca_file, const std::string& cert_file, const std::string& key_file);

// A channel to `addr` whose calls carry "authorization: Bearer <token>" read from `token_file`
// (surrounding whitespace dropped); no token when `token_file` is empty. An unreadable file is an
// error naming --admin_token_file.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeAdminChannel(
    const std::string& addr, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    const std::string& token_file, const grpc::ChannelArguments& args = {});

}  // namespace headliner

#endif  // HEADLINER_CLI_CHANNEL_CREDENTIALS_H_
