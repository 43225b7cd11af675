#include "fwprov/pki/load.hpp"

#include <openssl/decoder.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>
#include <exception>

#include "fwprov/core/error.hpp"
#include "fail.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/secret.hpp"

namespace fwprov::pki {
namespace {

using detail::fail;

// Hands the passphrase to OpenSSL only when it asks, and remembers that it asked, so that
// "encrypted, no passphrase given" and "wrong passphrase" get different messages.
struct PassphraseRequest {
  const PassphraseSource* source;
  bool asked = false;
  bool unavailable = false;
  std::exception_ptr failure;  // reading the passphrase failed (variable unset, file unreadable)
};

int passphrase_callback(char* buffer, size_t size, size_t* length, const OSSL_PARAM*, void* arg) {
  auto* request = static_cast<PassphraseRequest*>(arg);
  request->asked = true;
  if (!request->source->given()) {
    request->unavailable = true;
    return 0;
  }
  // No exception may cross OpenSSL's C frames (it would leak the decoder's state): keep it
  // and rethrow once OpenSSL has returned.
  std::string secret;
  try {
    secret = request->source->read();
  } catch (...) {
    request->failure = std::current_exception();
    return 0;
  }
  if (secret.size() > size) {
    wipe(secret);
    return 0;
  }
  std::memcpy(buffer, secret.data(), secret.size());
  *length = secret.size();
  wipe(secret);
  return 1;
}

PkeyPtr decode_key(ByteView data, int selection, PassphraseRequest* request) {
  EVP_PKEY* key = nullptr;
  OSSL_DECODER_CTX* ctx =
      OSSL_DECODER_CTX_new_for_pkey(&key, nullptr, nullptr, nullptr, selection, nullptr, nullptr);
  if (ctx == nullptr) return nullptr;
  if (request != nullptr) OSSL_DECODER_CTX_set_passphrase_cb(ctx, passphrase_callback, request);
  const unsigned char* cursor = data.data();
  size_t remaining = data.size();
  OSSL_DECODER_from_data(ctx, &cursor, &remaining);
  OSSL_DECODER_CTX_free(ctx);
  return PkeyPtr(key);
}

}  // namespace

bool looks_like_pem(ByteView data) {
  static constexpr std::string_view kMarker = "-----BEGIN ";
  auto text = as_chars(data);
  return text.find(kMarker) != std::string_view::npos;
}

PkeyPtr load_private_key(ByteView data, const std::string& origin, const PassphraseSource& passphrase) {
  if (data.empty()) fail(ErrorKind::Input, origin, "file is empty");
  PassphraseRequest request{&passphrase, false, false, nullptr};
  PkeyPtr key = decode_key(data, OSSL_KEYMGMT_SELECT_KEYPAIR | OSSL_KEYMGMT_SELECT_ALL_PARAMETERS, &request);
  std::string reason = take_openssl_error();
  if (request.failure) std::rethrow_exception(request.failure);
  if (key) return key;
  if (request.unavailable)
    fail(ErrorKind::Crypto, origin, "private key is encrypted: give --passphrase-env VAR or --passphrase-file FILE");
  if (request.asked) fail(ErrorKind::Crypto, origin, "cannot decrypt private key: wrong passphrase");
  fail(ErrorKind::Input, origin, "not a private key in any supported encoding (PEM or DER; PKCS#1, SEC1, PKCS#8)");
}

PkeyPtr load_private_key_file(const std::filesystem::path& path, const PassphraseSource& passphrase) {
  return load_private_key(read_secret_file(path).view(), path.string(), passphrase);
}

std::vector<X509Ptr> load_certificates(ByteView data, const std::string& origin) {
  if (data.empty()) fail(ErrorKind::Input, origin, "file is empty");
  std::vector<X509Ptr> certificates;
  if (looks_like_pem(data)) {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) certificates.emplace_back(cert);
    take_openssl_error();  // the loop always ends on a "no start line" error
  } else {
    const unsigned char* cursor = data.data();
    X509* cert = d2i_X509(nullptr, &cursor, static_cast<long>(data.size()));
    if (cert != nullptr) certificates.emplace_back(cert);
    take_openssl_error();
  }
  if (certificates.empty()) fail(ErrorKind::Input, origin, "no X.509 certificate found");
  return certificates;
}

X509Ptr load_certificate_file(const std::filesystem::path& path) {
  auto certificates = load_certificates(read_file(path), path.string());
  return std::move(certificates.front());
}

X509ReqPtr load_csr_file(const std::filesystem::path& path) {
  Bytes data = read_file(path);
  if (data.empty()) fail(ErrorKind::Input, path.string(), "file is empty");
  X509_REQ* request = nullptr;
  if (looks_like_pem(data)) {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    request = PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr);
  } else {
    const unsigned char* cursor = data.data();
    request = d2i_X509_REQ(nullptr, &cursor, static_cast<long>(data.size()));
  }
  take_openssl_error();
  if (request == nullptr) fail(ErrorKind::Input, path.string(), "not a certificate signing request (PEM or DER)");
  return X509ReqPtr(request);
}

PkeyPtr load_public_key_file(const std::filesystem::path& path) {
  Bytes data = read_file(path);
  if (data.empty()) fail(ErrorKind::Input, path.string(), "file is empty");
  if (PkeyPtr key = decode_key(data, OSSL_KEYMGMT_SELECT_PUBLIC_KEY | OSSL_KEYMGMT_SELECT_ALL_PARAMETERS, nullptr)) {
    take_openssl_error();
    return key;
  }
  take_openssl_error();
  // A private key (PKCS#8, PKCS#1, SEC1) carries its public key, and espsecure's digest and
  // verify commands take either. OpenSSL's decoders read a private key structure only when the
  // selection asks for the private part. No passphrase here: an encrypted key is named instead.
  PassphraseSource no_passphrase;
  PassphraseRequest request{&no_passphrase, false, false, nullptr};
  if (PkeyPtr key = decode_key(data, OSSL_KEYMGMT_SELECT_KEYPAIR | OSSL_KEYMGMT_SELECT_ALL_PARAMETERS, &request)) {
    take_openssl_error();
    return key;
  }
  take_openssl_error();
  if (request.unavailable)
    fail(ErrorKind::Input, path.string(), "an encrypted private key: give its public key (keygen --pub-out, or openssl pkey -pubout)");
  // A certificate carries a public key too.
  const unsigned char* cursor = data.data();
  X509* der_cert = looks_like_pem(data) ? nullptr : d2i_X509(nullptr, &cursor, static_cast<long>(data.size()));
  X509Ptr cert(der_cert);
  if (!cert && looks_like_pem(data)) {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    cert.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  }
  take_openssl_error();
  if (cert) return PkeyPtr(X509_get_pubkey(cert.get()));
  fail(ErrorKind::Input, path.string(), "no public key, certificate or private key found");
}

}  // namespace fwprov::pki
