#include "serve/tls_credentials.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"
#include "common/read_file.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace headliner {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::unique_ptr<BIO, BioFree> Bio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

absl::StatusOr<std::unique_ptr<X509, X509Free>> ParseCertificate(const std::string& pem,
                                                                 const std::string& key) {
  std::unique_ptr<X509, X509Free> cert(
      PEM_read_bio_X509(Bio(pem).get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(key, ": not a PEM certificate"));
  }
  return cert;
}

// The certificate and key files: readable PEM, and the key the certificate's.
absl::Status CheckIdentity(const std::string& cert_file, const std::string& key_file,
                           const std::string& section) {
  const std::string cert_key = section + ".cert_file";
  const std::string key_key = section + ".key_file";
  absl::StatusOr<std::string> cert_pem = ReadFile(cert_file, cert_key);
  if (!cert_pem.ok()) return cert_pem.status();
  absl::StatusOr<std::string> key_pem = ReadFile(key_file, key_key);
  if (!key_pem.ok()) return key_pem.status();
  absl::StatusOr<std::unique_ptr<X509, X509Free>> cert = ParseCertificate(*cert_pem, cert_key);
  if (!cert.ok()) return cert.status();
  std::unique_ptr<EVP_PKEY, KeyFree> pkey(
      PEM_read_bio_PrivateKey(Bio(*key_pem).get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(key_key, ": not an unencrypted PEM private key"));
  }
  if (X509_check_private_key(cert->get(), pkey.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(key_key, ": is not the key of ", cert_key, " (", cert_file, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckCa(const std::string& ca_file, const std::string& key) {
  absl::StatusOr<std::string> pem = ReadFile(ca_file, key);
  if (!pem.ok()) return pem.status();
  return ParseCertificate(*pem, key).status();
}

}  // namespace

void DeclareTlsOptions(TlsConfig& c, OptionTable& table, const std::string& section) {
  table.In(section)
      .String("cert_file", c.cert_file)
      .String("key_file", c.key_file)
      .String("client_ca_file", c.client_ca_file)
      .Duration("reload_interval", c.reload_interval);
  table.Rule([&c, section]() -> absl::Status {
    if (c.cert_file.empty() != c.key_file.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(section, ".cert_file and ", section, ".key_file go together"));
    }
    if (!c.client_ca_file.empty() && c.cert_file.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(section, ".client_ca_file needs ", section, ".cert_file (mTLS is TLS)"));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsConfig& config, const std::string& section) {
  if (!config.enabled()) return grpc::InsecureServerCredentials();
  if (absl::Status s = CheckIdentity(config.cert_file, config.key_file, section); !s.ok()) {
    return s;
  }
  const bool mutual = !config.client_ca_file.empty();
  if (mutual) {
    if (absl::Status s = CheckCa(config.client_ca_file, section + ".client_ca_file"); !s.ok()) {
      return s;
    }
  }
  const unsigned interval =
      static_cast<unsigned>(std::max<int64_t>(1, absl::ToInt64Seconds(config.reload_interval)));
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      config.key_file, config.cert_file, config.client_ca_file, interval);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (mutual) {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

}  // namespace headliner
