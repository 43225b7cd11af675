#include "fwprov/sign/signer.hpp"

#include <openssl/rsa.h>

#include <optional>

#include "deterministic_ecdsa.hpp"
#include "openssl_extra.hpp"

namespace fwprov::sign {
using detail::md_for;

namespace {


// Padding, salt and MGF1 settings shared by signing and verifying contexts.
bool configure(EVP_PKEY_CTX* ctx, const KeyInfo& info, HashAlgorithm hash, RsaScheme scheme) {
  if (EVP_PKEY_CTX_set_signature_md(ctx, md_for(hash)) != 1) return false;
  if (!info.is_rsa()) return true;
  if (scheme == RsaScheme::Pkcs1) return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, static_cast<int>(digest_size(hash))) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md_for(hash)) == 1;
}

}  // namespace

struct Signer::State {
  PkeyPtr key;
  KeyInfo info;
  SignOptions options;
  std::string origin;
  pki::PkeyCtxPtr contexts[2];  // by HashAlgorithm, created on first use
  std::optional<detail::DeterministicEcdsa> deterministic;
  std::optional<pki::PrivateKey> token;  // set for a key that lives in a PKCS#11 token

  EVP_PKEY_CTX* context(HashAlgorithm hash) {
    auto& slot = contexts[hash == HashAlgorithm::Sha384 ? 1 : 0];
    if (!slot) {
      slot.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
      if (!slot || EVP_PKEY_sign_init(slot.get()) != 1 || !configure(slot.get(), info, hash, options.scheme))
        detail::crypto_fail("cannot prepare signing with " + origin);
    }
    return slot.get();
  }
};

Signer::Signer(const EVP_PKEY* key, SignOptions options, const std::string& origin) : state_(std::make_unique<State>()) {
  state_->info = require_signing_key(key, origin, options.allow_p192);
  EVP_PKEY_up_ref(const_cast<EVP_PKEY*>(key));
  state_->key.reset(const_cast<EVP_PKEY*>(key));
  state_->options = options;
  state_->origin = origin;
  if (!state_->info.is_rsa() && options.deterministic) state_->deterministic.emplace(key);
}

Signer::Signer(const pki::PrivateKey& key, SignOptions options) : state_(std::make_unique<State>()) {
  if (!key.in_token()) {
    *this = Signer(key.openssl_key(), options, key.origin());
    return;
  }
  state_->info = require_signing_key(key.public_key(), key.origin(), options.allow_p192);
  if (options.deterministic)
    throw Error(ErrorKind::Usage, SourceLocation{key.origin()}, "--deterministic needs a key file: a token draws its own ECDSA nonces");
  EVP_PKEY_up_ref(key.public_key());
  state_->key.reset(key.public_key());
  state_->options = options;
  state_->origin = key.origin();
  state_->token = key;
}

Signer::~Signer() = default;
Signer::Signer(Signer&&) noexcept = default;
Signer& Signer::operator=(Signer&&) noexcept = default;

const KeyInfo& Signer::info() const noexcept { return state_->info; }
const SignOptions& Signer::options() const noexcept { return state_->options; }
EVP_PKEY* Signer::key() const noexcept { return state_->key.get(); }
bool Signer::in_token() const noexcept { return state_->token.has_value(); }

Bytes Signer::sign_digest(ByteView digest, HashAlgorithm hash) {
  if (digest.size() != digest_size(hash)) throw Error(ErrorKind::Internal, "digest length does not match its algorithm");
  if (state_->deterministic) {
    EcdsaRaw raw = state_->deterministic->sign(digest, hash);
    return ecdsa_der_from_raw(raw.r, raw.s);
  }
  if (state_->token) {
    Bytes signature = state_->token->sign_digest(digest, state_->options.scheme == RsaScheme::Pss ? pki::RsaPadding::Pss : pki::RsaPadding::Pkcs1);
    if (state_->info.is_rsa()) return signature;
    std::size_t half = signature.size() / 2;
    return ecdsa_der_from_raw(ByteView(signature).first(half), ByteView(signature).subspan(half));
  }
  EVP_PKEY_CTX* ctx = state_->context(hash);
  size_t length = static_cast<size_t>(EVP_PKEY_get_size(state_->key.get()));
  Bytes signature(length);
  if (EVP_PKEY_sign(ctx, signature.data(), &length, digest.data(), digest.size()) != 1)
    detail::crypto_fail("signing with " + state_->origin + " failed");
  signature.resize(length);
  return signature;
}

EcdsaRaw Signer::sign_digest_raw(ByteView digest, HashAlgorithm hash) {
  if (state_->info.is_rsa()) throw Error(ErrorKind::Internal, "raw ECDSA signature requested from an RSA key");
  if (state_->deterministic) return state_->deterministic->sign(digest, hash);
  if (state_->token) {
    if (digest.size() != digest_size(hash)) throw Error(ErrorKind::Internal, "digest length does not match its algorithm");
    Bytes raw = state_->token->sign_digest(digest, pki::RsaPadding::Pkcs1);
    std::size_t half = raw.size() / 2;
    return EcdsaRaw{Bytes(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(half)), Bytes(raw.begin() + static_cast<std::ptrdiff_t>(half), raw.end())};
  }
  Bytes der = sign_digest(digest, hash);
  auto raw = ecdsa_raw_from_der(der, ec_coordinate_size(state_->info));
  if (!raw) throw Error(ErrorKind::Internal, "OpenSSL returned a malformed ECDSA signature");
  return *raw;
}

bool verify_digest(const EVP_PKEY* key, ByteView digest, HashAlgorithm hash, ByteView signature, RsaScheme scheme) {
  KeyInfo info = key_info(key);
  Bytes der;
  if (!info.is_rsa()) {
    std::size_t size = ec_coordinate_size(info);
    if (ecdsa_raw_from_der(signature, size)) {
      der.assign(signature.begin(), signature.end());
    } else if (signature.size() == 2 * size) {  // raw r || s
      der = ecdsa_der_from_raw(signature.first(size), signature.subspan(size));
    } else {
      return false;
    }
    signature = der;
  }
  pki::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY*>(key), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 || !configure(ctx.get(), info, hash, scheme))
    detail::crypto_fail("cannot prepare signature verification");
  int result = EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(), digest.size());
  pki::take_openssl_error();  // a bad signature queues errors; the answer is the return value
  return result == 1;
}

}  // namespace fwprov::sign
