#include "fwprov/sign/file_digest.hpp"
#include "openssl_extra.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>

#include "fwprov/core/error.hpp"
#include "fwprov/pki/openssl_ptr.hpp"

namespace fwprov::sign {
namespace {

// read() into a buffer that stays in L2 while it is hashed; bigger buffers measured slower.
constexpr std::size_t kReadChunk = 64 << 10;
// Files at least this big are hashed through mmap: no copy, and hashing runs at memory speed.
constexpr std::uint64_t kMapThreshold = 1 << 20;
constexpr std::size_t kProgressStep = 8 << 20;

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

using detail::md_for;

const EVP_MD* detail::md_for(HashAlgorithm algorithm) {
  // Fetched once: implicit fetches by name on every call cost measurable time in batches.
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static EVP_MD* sha384 = EVP_MD_fetch(nullptr, "SHA384", nullptr);
  const EVP_MD* md = algorithm == HashAlgorithm::Sha384 ? sha384 : sha256;
  if (md == nullptr) throw Error(ErrorKind::Crypto, "SHA-2 is not available in this OpenSSL");
  return md;
}

std::size_t digest_size(HashAlgorithm algorithm) { return algorithm == HashAlgorithm::Sha384 ? 48 : 32; }

Bytes digest_bytes(HashAlgorithm algorithm, ByteView data) {
  Bytes out(digest_size(algorithm));
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, md_for(algorithm), nullptr) != 1)
    throw Error(ErrorKind::Crypto, "digest failed");
  return out;
}

struct FileHasher::State {
  pki::MdCtxPtr ctx{EVP_MD_CTX_new()};
  const EVP_MD* md = nullptr;
  Bytes buffer;
};

FileHasher::FileHasher(HashAlgorithm algorithm) : state_(std::make_unique<State>()) {
  if (!state_->ctx) throw Error(ErrorKind::Crypto, "out of memory (digest context)");
  state_->md = md_for(algorithm);
}

FileHasher::~FileHasher() = default;

Bytes FileHasher::digest_file(const std::filesystem::path& path, const ProgressFn& progress) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw Error(ErrorKind::Io, SourceLocation{path.string()}, std::string("cannot open: ") + std::strerror(errno));
  struct stat info {};
  std::uint64_t total = 0;
  if (::fstat(fd.get(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) throw Error(ErrorKind::Io, SourceLocation{path.string()}, "is a folder, not a file");
    total = static_cast<std::uint64_t>(info.st_size);
  }
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  if (EVP_DigestInit_ex(state_->ctx.get(), state_->md, nullptr) != 1) throw Error(ErrorKind::Crypto, "cannot start digest");
  std::uint64_t done = 0;
  void* mapped = S_ISREG(info.st_mode) && total >= kMapThreshold ? ::mmap(nullptr, total, PROT_READ, MAP_PRIVATE, fd.get(), 0) : MAP_FAILED;
  if (mapped != MAP_FAILED) {
    ::madvise(mapped, total, MADV_SEQUENTIAL);
    const auto* bytes = static_cast<const std::uint8_t*>(mapped);
    bool ok = true;
    while (ok && done < total) {
      std::size_t step = static_cast<std::size_t>(std::min<std::uint64_t>(kProgressStep, total - done));
      ok = EVP_DigestUpdate(state_->ctx.get(), bytes + done, step) == 1;
      done += step;
      if (progress) progress(done, total);
    }
    ::munmap(mapped, total);
    if (!ok) throw Error(ErrorKind::Crypto, "digest update failed");
  }
  if (state_->buffer.empty()) state_->buffer.resize(kReadChunk);
  // After a mapped pass this only picks up bytes appended meanwhile (normally none).
  if (mapped != MAP_FAILED && ::lseek(fd.get(), static_cast<off_t>(done), SEEK_SET) < 0)
    throw Error(ErrorKind::Io, SourceLocation{path.string()}, std::string("seek failed: ") + std::strerror(errno));
  for (;;) {
    ssize_t n = ::read(fd.get(), state_->buffer.data(), state_->buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorKind::Io, SourceLocation{path.string()}, std::string("read failed: ") + std::strerror(errno));
    }
    if (n == 0) break;
    if (EVP_DigestUpdate(state_->ctx.get(), state_->buffer.data(), static_cast<std::size_t>(n)) != 1)
      throw Error(ErrorKind::Crypto, "digest update failed");
    done += static_cast<std::uint64_t>(n);
    if (progress) progress(done, total);
  }
  Bytes out(static_cast<std::size_t>(EVP_MD_get_size(state_->md)));
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(state_->ctx.get(), out.data(), &length) != 1) throw Error(ErrorKind::Crypto, "digest failed");
  last_size_ = done;
  return out;
}

}  // namespace fwprov::sign
