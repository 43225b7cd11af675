#include "fwprov/core/digest.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <string>
#include <vector>

#include "fwprov/core/error.hpp"

namespace fwprov {
namespace {

// OpenSSL 3 looks an algorithm up again on every use of EVP_sha256()/EVP_md5() (an "implicit
// fetch"); decoding an NVS image hashes thousands of values, so fetch each digest once.
const EVP_MD* fetched(const char* name) {
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) throw Error(ErrorKind::Crypto, std::string("OpenSSL has no ") + name);
  return md;
}

const EVP_MD* sha256_md() {
  static const EVP_MD* md = fetched("SHA256");  // thread-safe initialisation; kept for the process
  return md;
}

const EVP_MD* md5_md() {
  static const EVP_MD* md = fetched("MD5");
  return md;
}

}  // namespace

struct Digester::State {
  EVP_MD_CTX* ctx = nullptr;
  ~State() { EVP_MD_CTX_free(ctx); }
};

Digester::Digester(DigestAlgorithm algorithm) : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  const EVP_MD* md = algorithm == DigestAlgorithm::Sha256 ? sha256_md() : md5_md();
  if (state_->ctx == nullptr || EVP_DigestInit_ex(state_->ctx, md, nullptr) != 1)
    throw Error(ErrorKind::Crypto, "cannot initialise digest");
}

Digester::~Digester() = default;
Digester::Digester(Digester&&) noexcept = default;
Digester& Digester::operator=(Digester&&) noexcept = default;

void Digester::update(ByteView data) {
  if (EVP_DigestUpdate(state_->ctx, data.data(), data.size()) != 1) throw Error(ErrorKind::Crypto, "digest update failed");
}

Bytes Digester::finish() {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(state_->ctx, out.data(), &length) != 1) throw Error(ErrorKind::Crypto, "digest failed");
  out.resize(length);
  return out;
}

Sha256 sha256(ByteView data) {
  Sha256 out{};
  if (EVP_Digest(data.data(), data.size(), out.data(), nullptr, sha256_md(), nullptr) != 1)
    throw Error(ErrorKind::Crypto, "SHA-256 failed");
  return out;
}

Md5 md5(ByteView data) {
  Md5 out{};
  if (EVP_Digest(data.data(), data.size(), out.data(), nullptr, md5_md(), nullptr) != 1)
    throw Error(ErrorKind::Crypto, "MD5 failed");
  return out;
}

Sha256 sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::Io, SourceLocation{path.string()}, "cannot open");
  Digester digester(DigestAlgorithm::Sha256);
  std::vector<std::uint8_t> buffer(1 << 16);
  while (in) {
    in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(buffer.size()));
    digester.update(ByteView(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) throw Error(ErrorKind::Io, SourceLocation{path.string()}, "read failed");
  Bytes digest = digester.finish();
  Sha256 out{};
  std::copy(digest.begin(), digest.end(), out.begin());
  return out;
}

}  // namespace fwprov
