// PrivateKey: signing a digest with a file key (OpenSSL) or a token key (PKCS#11).
#include "fwprov/pki/private_key.hpp"

#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/load.hpp"
#include "private_key_state.hpp"

namespace fwprov::pki {
namespace {

// DER of DigestInfo up to the digest octets (RFC 8017 section 9.2, note 1).
constexpr std::uint8_t kSha256DigestInfo[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                              0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
constexpr std::uint8_t kSha384DigestInfo[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                              0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};

const EVP_MD* md_for_digest(ByteView digest) {
  if (digest.size() == 32) return EVP_sha256();
  if (digest.size() == 48) return EVP_sha384();
  throw Error(ErrorKind::Internal, "digest of " + std::to_string(digest.size()) + " bytes is neither SHA-256 nor SHA-384");
}

std::size_t ec_order_bytes(const EVP_PKEY* key) { return static_cast<std::size_t>((EVP_PKEY_get_bits(key) + 7) / 8); }

Bytes file_key_sign(EVP_PKEY* key, ByteView digest, RsaPadding padding, const std::string& origin) {
  const EVP_MD* md = md_for_digest(digest);
  const bool rsa = EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS");
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  bool ok = ctx && EVP_PKEY_sign_init(ctx.get()) == 1 && EVP_PKEY_CTX_set_signature_md(ctx.get(), md) == 1;
  if (ok && rsa && padding == RsaPadding::Pkcs1) ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1;
  if (ok && rsa && padding == RsaPadding::Pss)
    ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), static_cast<int>(digest.size())) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), md) == 1;
  size_t length = static_cast<size_t>(EVP_PKEY_get_size(key));
  Bytes signature(length);
  if (!ok || EVP_PKEY_sign(ctx.get(), signature.data(), &length, digest.data(), digest.size()) != 1)
    throw Error(ErrorKind::Crypto, SourceLocation{origin}, "signing failed: " + take_openssl_error());
  signature.resize(length);
  if (rsa) return signature;
  // ECDSA: OpenSSL gives DER; callers get r || s, as from a token.
  const unsigned char* cursor = signature.data();
  ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(signature.size()));
  if (parsed == nullptr) throw Error(ErrorKind::Internal, "OpenSSL returned a malformed ECDSA signature");
  std::size_t width = ec_order_bytes(key);
  Bytes raw(2 * width);
  BN_bn2binpad(ECDSA_SIG_get0_r(parsed), raw.data(), static_cast<int>(width));
  BN_bn2binpad(ECDSA_SIG_get0_s(parsed), raw.data() + width, static_cast<int>(width));
  ECDSA_SIG_free(parsed);
  return raw;
}

std::string ini_trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

PrivateKey::PrivateKey(PkeyPtr key, std::string origin) : state_(std::make_shared<State>()) {
  state_->key = std::move(key);
  state_->origin = std::move(origin);
}
PrivateKey::PrivateKey(std::shared_ptr<State> state) : state_(std::move(state)) {}
PrivateKey::~PrivateKey() = default;

bool PrivateKey::in_token() const noexcept { return state_->token != nullptr; }
EVP_PKEY* PrivateKey::public_key() const noexcept { return state_->key.get(); }
EVP_PKEY* PrivateKey::openssl_key() const noexcept { return state_->token ? nullptr : state_->key.get(); }
X509* PrivateKey::token_certificate() const noexcept { return state_->certificate.get(); }
const std::string& PrivateKey::origin() const noexcept { return state_->origin; }

Bytes PrivateKey::sign_digest(ByteView digest, RsaPadding padding) const {
  md_for_digest(digest);
  if (!state_->token) return file_key_sign(state_->key.get(), digest, padding, state_->origin);
  TokenKey& token = *state_->token;
  const bool sha384 = digest.size() == 48;
  if (token.key_type == CKK_EC) return token.sign({CKM_ECDSA, nullptr, 0}, digest, "ECDSA signatures", state_->origin);
  if (padding == RsaPadding::Pss) {
    CK_RSA_PKCS_PSS_PARAMS params{sha384 ? CKM_SHA384 : CKM_SHA256, sha384 ? CKG_MGF1_SHA384 : CKG_MGF1_SHA256, digest.size()};
    return token.sign({CKM_RSA_PKCS_PSS, &params, sizeof params}, digest, "RSA-PSS signatures", state_->origin);
  }
  Bytes digest_info(sha384 ? std::begin(kSha384DigestInfo) : std::begin(kSha256DigestInfo),
                    sha384 ? std::end(kSha384DigestInfo) : std::end(kSha256DigestInfo));
  append(digest_info, digest);
  return token.sign({CKM_RSA_PKCS, nullptr, 0}, digest_info, "RSA PKCS#1 v1.5 signatures", state_->origin);
}

PrivateKey open_private_key(const std::string& path_or_uri, const KeySource& source) {
  if (is_pkcs11_uri(path_or_uri)) {
    std::string origin = redact_pkcs11_uri(path_or_uri);
    return open_token_key(parse_pkcs11_uri(path_or_uri, origin), origin, source, std::nullopt, std::nullopt);
  }
  return PrivateKey(load_private_key_file(path_or_uri, source.passphrase), path_or_uri);
}

HsmConfig read_hsm_config(const std::filesystem::path& path) {
  std::string text = read_text_file(path);
  // The file may hold the PIN (credentials): wiped on every way out, errors included.
  struct Wipe {
    std::string& text;
    ~Wipe() { wipe(text); }
  } wipe_text{text};
  return parse_hsm_config(text, path.string());
}

HsmConfig parse_hsm_config(std::string_view text, const std::string& origin) {
  HsmConfig config;
  bool in_section = false, seen_section = false, have_lib = false, have_slot = false, have_label = false;
  std::size_t line_number = 0, start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    std::string line = ini_trim(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    start = end == std::string::npos ? text.size() + 1 : end + 1;
    ++line_number;
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') throw Error(ErrorKind::Input, SourceLocation{origin, line_number}, "section header without ']'");
      in_section = ini_trim(std::string_view(line).substr(1, line.size() - 2)) == "hsm_config";
      seen_section = seen_section || in_section;
      continue;
    }
    std::size_t separator = line.find_first_of("=:");
    if (separator == std::string::npos)
      throw Error(ErrorKind::Input, SourceLocation{origin, line_number}, "expected 'name = value'");
    if (!in_section) continue;
    std::string name = ini_trim(std::string_view(line).substr(0, separator));
    std::string value = ini_trim(std::string_view(line).substr(separator + 1));
    SourceLocation where{origin, line_number, 0, name};
    if (name == "pkcs11_lib") {
      config.module = value;
      have_lib = true;
    } else if (name == "slot") {
      auto [last, ec] = std::from_chars(value.data(), value.data() + value.size(), config.slot);
      if (value.empty() || ec != std::errc() || last != value.data() + value.size())
        throw Error(ErrorKind::Input, where, "slot '" + value + "' is not a number (softhsm2-util --show-slots shows the slot id)");
      have_slot = true;
    } else if (name == "label") {
      config.label = value;
      have_label = true;
    } else if (name == "label_pubkey") {
      config.public_label = value;
    } else if (name == "credentials") {
      config.pin = value;
    } else {
      throw Error(ErrorKind::Input, where, "unknown setting '" + name + "' (pkcs11_lib, slot, label, label_pubkey, credentials)");
    }
  }
  if (!seen_section) throw Error(ErrorKind::Input, SourceLocation{origin}, "no [hsm_config] section");
  for (auto [present, name] : {std::pair{have_lib, "pkcs11_lib"}, std::pair{have_slot, "slot"}, std::pair{have_label, "label"}})
    if (!present) throw Error(ErrorKind::Input, SourceLocation{origin, 0, 0, name}, std::string("[hsm_config] lacks ") + name);
  return config;
}

PrivateKey open_hsm_config_key(const std::filesystem::path& path, const KeySource& source) {
  HsmConfig config = read_hsm_config(path);
  Pkcs11Uri uri;
  uri.module_path = config.module;
  uri.slot_id = config.slot;
  uri.object = config.label;
  uri.type = "private";
  PrivateKey key = open_token_key(uri, path.string(), source, config.public_label, config.pin);
  if (config.pin) wipe(*config.pin);
  return key;
}

}  // namespace fwprov::pki
