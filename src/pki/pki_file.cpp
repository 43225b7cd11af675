#include "fwprov/pki/pki_file.hpp"

#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>
#include <map>
#include <optional>
#include <memory>

#include "fwprov/core/error.hpp"
#include "fail.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/secret.hpp"
#include "fwprov/pki/format.hpp"
#include "fwprov/pki/load.hpp"

namespace fwprov::pki {
namespace {

using detail::fail;

struct PemBlock {
  std::string label;
  std::string header;  // encryption headers of a legacy encrypted block, else empty
  Bytes body;          // base64-decoded: DER, or ciphertext when encrypted
};

// Every PEM block in file order. Text around blocks is allowed (as OpenSSL allows it), but a
// block that starts and does not end properly is an error: a truncated copy must not pass.
std::vector<PemBlock> read_pem_blocks(ByteView data, const std::string& origin) {
  std::vector<PemBlock> blocks;
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  ERR_clear_error();
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* body = nullptr;
    long length = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &body, &length) != 1) {
      unsigned long code = ERR_peek_last_error();
      bool clean_end = ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE;
      std::string reason = take_openssl_error();
      if (clean_end) break;
      fail(ErrorKind::Input, origin,
           "PEM block " + std::to_string(blocks.size() + 1) + " is truncated or damaged (" + reason + ")");
    }
    PemBlock block{name, header, Bytes(body, body + length)};
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(body);
    blocks.push_back(std::move(block));
  }
  return blocks;
}

// A block written back as PEM text, so OpenSSL's decoder can handle legacy encryption headers.
Bytes block_as_pem(const PemBlock& block) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio(bio.get(), block.label.c_str(), block.header.c_str(), block.body.data(), static_cast<long>(block.body.size()));
  char* text = nullptr;
  long length = BIO_get_mem_data(bio.get(), &text);
  return Bytes(text, text + length);
}

// One DER value that must use every byte: trailing junk means the file is not what it seems.
// With trailing bytes the parsed object is freed (it leaked before) and `used`, when given,
// gets how many bytes the valid value took.
template <typename T, auto D2i, auto Free>
T* d2i_whole(ByteView der, std::size_t* used = nullptr) {
  const unsigned char* cursor = der.data();
  T* object = D2i(nullptr, &cursor, static_cast<long>(der.size()));
  ERR_clear_error();
  if (object != nullptr && cursor != der.data() + der.size()) {
    if (used != nullptr) *used = static_cast<std::size_t>(cursor - der.data());
    Free(object);
    return nullptr;
  }
  return object;
}

// DER certificates back to back (a chain written as concatenated DER); empty when the bytes
// are not exactly that.
std::vector<X509Ptr> der_certificates(ByteView der) {
  std::vector<X509Ptr> certificates;
  const unsigned char* cursor = der.data();
  const unsigned char* end = der.data() + der.size();
  while (cursor < end) {
    X509* cert = d2i_X509(nullptr, &cursor, static_cast<long>(end - cursor));
    if (cert == nullptr) {
      ERR_clear_error();
      return {};
    }
    certificates.emplace_back(cert);
  }
  return certificates;
}

// OSSL_DECODER_CTX_new_for_pkey costs about a millisecond (it walks every provider's decoders)
// while one context can decode any number of keys: a batch of 1000 keys spent most of its time
// building contexts. So one context per (structure, key type, selection) is kept per thread.
class DecoderCache {
 public:
  PkeyPtr decode(ByteView der, const char* structure, const char* key_type, int selection) {
    std::string id = std::string(structure) + "/" + (key_type != nullptr ? key_type : "") + "/" + std::to_string(selection);
    auto& entry = entries_[id];
    if (!entry) {
      entry = std::make_unique<Entry>();
      entry->ctx = OSSL_DECODER_CTX_new_for_pkey(&entry->output, "DER", structure, key_type, selection, nullptr, nullptr);
    }
    if (entry->ctx == nullptr) return nullptr;
    entry->output = nullptr;
    const unsigned char* cursor = der.data();
    size_t remaining = der.size();
    int ok = OSSL_DECODER_from_data(entry->ctx, &cursor, &remaining);
    ERR_clear_error();
    PkeyPtr key(entry->output);
    entry->output = nullptr;
    if (ok != 1) entries_.erase(id);  // start clean after a failure
    if (ok != 1 || remaining != 0) return nullptr;
    return key;
  }

 private:
  struct Entry {
    EVP_PKEY* output = nullptr;  // where the context writes each key: must not move
    OSSL_DECODER_CTX* ctx = nullptr;
    ~Entry() { OSSL_DECODER_CTX_free(ctx); }
  };
  std::map<std::string, std::unique_ptr<Entry>> entries_;
};

// A key of one given structure; nullptr unless the structure matches and uses every byte.
// Naming the key type when it is known keeps the decoder chain short.
PkeyPtr decode_exact(ByteView der, const char* structure, int selection, const char* key_type = nullptr) {
  thread_local DecoderCache cache;
  return cache.decode(der, structure, key_type, selection);
}

constexpr int kPrivateSelection = OSSL_KEYMGMT_SELECT_PRIVATE_KEY | OSSL_KEYMGMT_SELECT_ALL_PARAMETERS;
constexpr int kPublicSelection = OSSL_KEYMGMT_SELECT_PUBLIC_KEY | OSSL_KEYMGMT_SELECT_ALL_PARAMETERS;

// The algorithm named inside a PKCS#8 PrivateKeyInfo, for "unsupported key type" messages.
std::string pkcs8_algorithm(ByteView der) {
  PKCS8_PRIV_KEY_INFO* info = d2i_whole<PKCS8_PRIV_KEY_INFO, d2i_PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>(der);
  if (info == nullptr) return {};
  const ASN1_OBJECT* algorithm = nullptr;
  PKCS8_pkey_get0(&algorithm, nullptr, nullptr, nullptr, info);
  char text[128] = {};
  OBJ_obj2txt(text, sizeof text, algorithm, 0);
  PKCS8_PRIV_KEY_INFO_free(info);
  return text;
}

// A PKCS#8 key OpenSSL cannot turn into a key object is an algorithm it does not know (or a
// broken key); say which algorithm it claims to be.
PkeyPtr load_pkcs8(ByteView data, ByteView der, const std::string& origin, const PassphraseSource& passphrase) {
  if (PkeyPtr key = decode_exact(der, "PrivateKeyInfo", kPrivateSelection)) return key;  // the common, fast path
  try {
    return load_private_key(data, origin, passphrase);
  } catch (const Error& error) {
    std::string algorithm = pkcs8_algorithm(der);
    if (error.kind() != ErrorKind::Input || algorithm.empty()) throw;
    fail(ErrorKind::Crypto, origin, "unsupported key type " + algorithm + " (supported: RSA, EC, Ed25519)");
  }
}

// A private or public key file, once its key type is one fwprov supports.
PkiFile key_file(ObjectKind kind, PkeyPtr key, Encoding encoding, KeyStructure structure, const std::string& origin) {
  require_supported_key_type(key.get(), origin);
  PkiFile file;
  file.kind = kind;
  file.encoding = encoding;
  file.structure = structure;
  file.key = std::move(key);
  return file;
}

PkiFile certificate_file(std::vector<X509Ptr> certificates, Encoding encoding) {
  PkiFile file;
  file.kind = ObjectKind::Certificate;
  file.encoding = encoding;
  file.certificates = std::move(certificates);
  return file;
}

PkiFile csr_file(X509ReqPtr csr, Encoding encoding) {
  PkiFile file;
  file.kind = ObjectKind::Csr;
  file.encoding = encoding;
  file.csr = std::move(csr);
  return file;
}

// A well-formed SubjectPublicKeyInfo OpenSSL would not load: an EC key whose point is not on
// its curve is invalid input, not an unsupported type.
[[noreturn]] void fail_public_key(ByteView spki_der, const std::string& origin) {
  int algorithm = NID_undef;
  if (X509_PUBKEY* spki = d2i_whole<X509_PUBKEY, d2i_X509_PUBKEY, X509_PUBKEY_free>(spki_der)) {
    ASN1_OBJECT* oid = nullptr;
    if (X509_PUBKEY_get0_param(&oid, nullptr, nullptr, nullptr, spki) == 1) algorithm = OBJ_obj2nid(oid);
    X509_PUBKEY_free(spki);
  }
  if (algorithm == NID_X9_62_id_ecPublicKey)
    fail(ErrorKind::Input, origin, "EC public key whose point is not valid (not on its curve, or a curve fwprov does not support)");
  if (algorithm == NID_rsaEncryption) fail(ErrorKind::Input, origin, "RSA public key that is not valid (modulus or exponent)");
  fail(ErrorKind::Crypto, origin, "public key of an unsupported type (supported: RSA, EC, Ed25519)");
}

// A DER structure that parses but does not use every byte: its name and where it ends.
std::optional<std::pair<std::string, std::size_t>> valid_prefix(ByteView der) {
  std::size_t used = 0;
  if (d2i_whole<X509, d2i_X509, X509_free>(der, &used) == nullptr && used != 0) return std::make_pair(std::string("certificate"), used);
  if (d2i_whole<X509_REQ, d2i_X509_REQ, X509_REQ_free>(der, &used) == nullptr && used != 0) return std::make_pair(std::string("CSR"), used);
  if (d2i_whole<X509_SIG, d2i_X509_SIG, X509_SIG_free>(der, &used) == nullptr && used != 0)
    return std::make_pair(std::string("encrypted private key"), used);
  if (d2i_whole<PKCS8_PRIV_KEY_INFO, d2i_PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>(der, &used) == nullptr && used != 0)
    return std::make_pair(std::string("PKCS#8 private key"), used);
  if (d2i_whole<X509_PUBKEY, d2i_X509_PUBKEY, X509_PUBKEY_free>(der, &used) == nullptr && used != 0)
    return std::make_pair(std::string("public key"), used);
  return std::nullopt;
}

PkiFile read_der(ByteView der, const std::string& origin, const PassphraseSource& passphrase) {
  if (auto certificates = der_certificates(der); !certificates.empty())
    return certificate_file(std::move(certificates), Encoding::Der);
  if (X509_REQ* csr = d2i_whole<X509_REQ, d2i_X509_REQ, X509_REQ_free>(der)) return csr_file(X509ReqPtr(csr), Encoding::Der);
  if (X509_SIG* encrypted = d2i_whole<X509_SIG, d2i_X509_SIG, X509_SIG_free>(der)) {
    X509_SIG_free(encrypted);
    return key_file(ObjectKind::PrivateKey, load_private_key(der, origin, passphrase), Encoding::Der, KeyStructure::EncryptedPkcs8, origin);
  }
  if (PKCS8_PRIV_KEY_INFO* info = d2i_whole<PKCS8_PRIV_KEY_INFO, d2i_PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>(der)) {
    PKCS8_PRIV_KEY_INFO_free(info);
    return key_file(ObjectKind::PrivateKey, load_pkcs8(der, der, origin, passphrase), Encoding::Der, KeyStructure::Pkcs8, origin);
  }
  // The structure is checked with the ASN.1 parser first: OpenSSL's "SubjectPublicKeyInfo"
  // decoder also accepts a bare PKCS#1 RSAPublicKey, which would lose that distinction.
  if (X509_PUBKEY* spki = d2i_whole<X509_PUBKEY, d2i_X509_PUBKEY, X509_PUBKEY_free>(der)) {
    X509_PUBKEY_free(spki);
    if (PkeyPtr key = decode_exact(der, "SubjectPublicKeyInfo", kPublicSelection))
      return key_file(ObjectKind::PublicKey, std::move(key), Encoding::Der, KeyStructure::SubjectPublicKeyInfo, origin);
    fail_public_key(der, origin);
  }
  if (PkeyPtr key = decode_exact(der, "type-specific", kPrivateSelection)) {
    KeyStructure structure = EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_EC ? KeyStructure::Sec1 : KeyStructure::Pkcs1;
    return key_file(ObjectKind::PrivateKey, std::move(key), Encoding::Der, structure, origin);
  }
  if (PkeyPtr key = decode_exact(der, "type-specific", kPublicSelection))
    return key_file(ObjectKind::PublicKey, std::move(key), Encoding::Der, KeyStructure::Pkcs1Public, origin);
  if (auto prefix = valid_prefix(der))
    fail(ErrorKind::Input, origin,
         "trailing bytes after a valid " + prefix->first + " (it ends at byte " + std::to_string(prefix->second) + " of " +
             std::to_string(der.size()) + ")");
  fail(ErrorKind::Input, origin,
       "not a certificate, CSR, private key or public key (neither PEM nor any DER structure fwprov knows)");
}

enum class BlockRole { Certificate, Csr, PrivateKey, PublicKey, Parameters };

BlockRole role_of(const PemBlock& block, const std::string& origin, std::size_t index) {
  using namespace pem_label;
  const std::string& label = block.label;
  if (label == kCertificate || label == kX509Certificate) return BlockRole::Certificate;
  if (label == kCertificateRequest || label == kNewCertificateRequest) return BlockRole::Csr;
  if (label == kPrivateKey || label == kEncryptedPrivateKey || label == kRsaPrivateKey || label == kEcPrivateKey)
    return BlockRole::PrivateKey;
  if (label == kPublicKey || label == kRsaPublicKey) return BlockRole::PublicKey;
  if (label == kEcParameters) return BlockRole::Parameters;
  if (label == kDsaPrivateKey) fail(ErrorKind::Crypto, origin, "unsupported key type DSA (supported: RSA, EC, Ed25519)");
  fail(ErrorKind::Input, origin,
       "PEM block " + std::to_string(index + 1) + " is '" + label + "', which fwprov does not handle");
}

KeyStructure private_structure_of(const PemBlock& block) {
  using namespace pem_label;
  if (block.header.find("ENCRYPTED") != std::string::npos) return KeyStructure::LegacyEncryptedPem;
  if (block.label == kRsaPrivateKey) return KeyStructure::Pkcs1;
  if (block.label == kEcPrivateKey) return KeyStructure::Sec1;
  if (block.label == kEncryptedPrivateKey) return KeyStructure::EncryptedPkcs8;
  return KeyStructure::Pkcs8;
}

std::string describe_roles(std::size_t certificates, std::size_t csrs, std::size_t private_keys, std::size_t public_keys) {
  std::string text;
  auto add = [&text](std::size_t count, const char* what) {
    if (count == 0) return;
    if (!text.empty()) text += ", ";
    text += std::to_string(count) + " " + what;
  };
  add(certificates, "certificate(s)");
  add(csrs, "CSR(s)");
  add(private_keys, "private key(s)");
  add(public_keys, "public key(s)");
  return text;
}

PkiFile read_pem(ByteView data, const std::string& origin, const PassphraseSource& passphrase) {
  std::vector<PemBlock> blocks = read_pem_blocks(data, origin);
  if (blocks.empty()) fail(ErrorKind::Input, origin, "has a '-----BEGIN' line but no complete PEM block");
  std::vector<const PemBlock*> certificates, csrs, private_keys, public_keys;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    switch (role_of(blocks[i], origin, i)) {
      case BlockRole::Certificate: certificates.push_back(&blocks[i]); break;
      case BlockRole::Csr: csrs.push_back(&blocks[i]); break;
      case BlockRole::PrivateKey: private_keys.push_back(&blocks[i]); break;
      case BlockRole::PublicKey: public_keys.push_back(&blocks[i]); break;
      case BlockRole::Parameters: break;  // the curve is repeated inside the key that follows
    }
  }
  int kinds = !certificates.empty() + !csrs.empty() + !private_keys.empty() + !public_keys.empty();
  std::size_t singles = csrs.size() + private_keys.size() + public_keys.size();
  if (kinds == 0) fail(ErrorKind::Input, origin, "holds only EC PARAMETERS, no key");
  if (kinds > 1 || singles > 1)
    fail(ErrorKind::Input, origin,
         "holds " + describe_roles(certificates.size(), csrs.size(), private_keys.size(), public_keys.size()) +
             ": fwprov converts one object (or one certificate chain) per file");

  if (!certificates.empty()) {
    std::vector<X509Ptr> parsed;
    for (std::size_t i = 0; i < certificates.size(); ++i) {
      X509* cert = d2i_whole<X509, d2i_X509, X509_free>(certificates[i]->body);
      if (cert == nullptr)
        fail(ErrorKind::Input, origin, "certificate " + std::to_string(i + 1) + " is not a valid X.509 certificate");
      parsed.emplace_back(cert);
    }
    return certificate_file(std::move(parsed), Encoding::Pem);
  }
  if (!csrs.empty()) {
    X509_REQ* csr = d2i_whole<X509_REQ, d2i_X509_REQ, X509_REQ_free>(csrs.front()->body);
    if (csr == nullptr) fail(ErrorKind::Input, origin, "PEM CSR block is not a valid PKCS#10 request");
    return csr_file(X509ReqPtr(csr), Encoding::Pem);
  }
  if (!private_keys.empty()) {
    const PemBlock& block = *private_keys.front();
    KeyStructure structure = private_structure_of(block);
    PkeyPtr key;
    if (structure == KeyStructure::Pkcs1 || structure == KeyStructure::Sec1)  // unencrypted: decode the DER body
      key = decode_exact(block.body, "type-specific", kPrivateSelection, structure == KeyStructure::Pkcs1 ? "RSA" : "EC");
    if (!key) {
      Bytes pem = block_as_pem(block);  // encrypted, or broken: the general loader says which
      key = structure == KeyStructure::Pkcs8 ? load_pkcs8(pem, block.body, origin, passphrase)
                                             : load_private_key(pem, origin, passphrase);
    }
    return key_file(ObjectKind::PrivateKey, std::move(key), Encoding::Pem, structure, origin);
  }
  const PemBlock& block = *public_keys.front();
  bool pkcs1 = block.label == pem_label::kRsaPublicKey;
  PkeyPtr key = decode_exact(block.body, pkcs1 ? "type-specific" : "SubjectPublicKeyInfo", kPublicSelection);
  if (!key) {
    X509_PUBKEY* spki = pkcs1 ? nullptr : d2i_whole<X509_PUBKEY, d2i_X509_PUBKEY, X509_PUBKEY_free>(block.body);
    bool well_formed = spki != nullptr;
    X509_PUBKEY_free(spki);
    if (well_formed) fail_public_key(block.body, origin);
    fail(ErrorKind::Input, origin, "PEM '" + block.label + "' block is not a valid public key");
  }
  return key_file(ObjectKind::PublicKey, std::move(key), Encoding::Pem, pkcs1 ? KeyStructure::Pkcs1Public : KeyStructure::SubjectPublicKeyInfo,
                         origin);
}

}  // namespace

std::string_view encoding_name(Encoding encoding) { return encoding == Encoding::Pem ? "PEM" : "DER"; }

std::string_view kind_name(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::Certificate: return "certificate";
    case ObjectKind::PrivateKey: return "private key";
    case ObjectKind::PublicKey: return "public key";
    case ObjectKind::Csr: return "CSR";
  }
  return "unknown";
}

std::string_view structure_name(KeyStructure structure) {
  switch (structure) {
    case KeyStructure::None: return "";
    case KeyStructure::Pkcs1: return "PKCS#1";
    case KeyStructure::Sec1: return "SEC1";
    case KeyStructure::Pkcs8: return "PKCS#8";
    case KeyStructure::EncryptedPkcs8: return "encrypted PKCS#8";
    case KeyStructure::LegacyEncryptedPem: return "legacy encrypted PEM";
    case KeyStructure::SubjectPublicKeyInfo: return "SubjectPublicKeyInfo";
    case KeyStructure::Pkcs1Public: return "PKCS#1 RSAPublicKey";
  }
  return "";
}

void require_supported_key_type(const EVP_PKEY* key, const std::string& origin) {
  int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_RSA || id == EVP_PKEY_EC || id == EVP_PKEY_ED25519) return;
  const char* name = EVP_PKEY_get0_type_name(key);
  fail(ErrorKind::Crypto, origin,
       std::string("unsupported key type ") + (name != nullptr ? name : "unknown") + " (supported: RSA, EC, Ed25519)");
}

std::optional<EncryptedKeyForm> encrypted_key_form(ByteView data) {
  if (data.empty()) return std::nullopt;
  if (!looks_like_pem(data)) {
    X509_SIG* encrypted = d2i_whole<X509_SIG, d2i_X509_SIG, X509_SIG_free>(data);
    if (encrypted == nullptr) return std::nullopt;
    X509_SIG_free(encrypted);
    return EncryptedKeyForm{Encoding::Der, KeyStructure::EncryptedPkcs8};
  }
  std::vector<PemBlock> blocks;
  try {
    blocks = read_pem_blocks(data, {});
    bool one_key = blocks.size() == 1 || (blocks.size() == 2 && blocks[0].label == pem_label::kEcParameters);
    if (!one_key || role_of(blocks.back(), {}, 0) != BlockRole::PrivateKey) return std::nullopt;
  } catch (const Error&) {
    return std::nullopt;  // damaged or unsupported: read_pki says how
  }
  KeyStructure structure = private_structure_of(blocks.back());
  if (structure != KeyStructure::EncryptedPkcs8 && structure != KeyStructure::LegacyEncryptedPem) return std::nullopt;
  return EncryptedKeyForm{Encoding::Pem, structure};
}

PkiFile read_pki(ByteView data, const std::string& origin, const PassphraseSource& passphrase) {
  if (data.empty()) fail(ErrorKind::Input, origin, "file is empty");
  if (looks_like_pem(data)) return read_pem(data, origin, passphrase);
  return read_der(data, origin, passphrase);
}

PkiFile read_pki_file(const std::filesystem::path& path, const PassphraseSource& passphrase) {
  return read_pki(read_secret_file(path).view(), path.string(), passphrase);  // may be a key
}

}  // namespace fwprov::pki
