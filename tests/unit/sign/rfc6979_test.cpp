#include <catch2/catch.hpp>

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/sign/rfc6979.hpp"
#include "fwprov/sign/signer.hpp"

using namespace fwprov;
using namespace fwprov::sign;

namespace {

Bytes hex(const char* text) { return *from_hex(text); }

// An EC private key from its scalar, the way the RFC's appendix gives it.
pki::PkeyPtr ec_key_from_scalar(const char* group, const Bytes& scalar) {
  BIGNUM* d = BN_bin2bn(scalar.data(), static_cast<int>(scalar.size()), nullptr);
  OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
  OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_PRIV_KEY, d);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(builder);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* key = nullptr;
  EVP_PKEY_fromdata_init(ctx);
  EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(builder);
  BN_free(d);
  return pki::PkeyPtr(key);
}

struct Vector {
  const char* message;
  const char* k;
  const char* r;
  const char* s;
};

}  // namespace

// RFC 6979 A.2.5: P-256, SHA-256.
TEST_CASE("RFC 6979 A.2.5 P-256 / SHA-256 vectors: nonce and signature") {
  const Bytes q = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  const Bytes x = hex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
  const Vector vectors[] = {
      {"sample", "a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60",
       "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
       "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"},
      {"test", "d16b6ae827f17175e040871a1c7ec3500192c4c92677336ec2537acaee0008e0",
       "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367",
       "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"},
  };
  auto key = ec_key_from_scalar("prime256v1", x);
  REQUIRE(key);
  for (const auto& v : vectors) {
    Sha256 h = sha256(to_bytes(v.message));
    CHECK(to_hex(rfc6979_nonce(q, x, h, HashAlgorithm::Sha256)) == v.k);
    EcdsaRaw signature = sign_deterministic(key.get(), h, HashAlgorithm::Sha256);
    CHECK(to_hex(signature.r) == v.r);
    CHECK(to_hex(signature.s) == v.s);
    // The RFC's public key U accepts the signature through OpenSSL's verifier.
    auto public_key = ec_public_key_from_point("P-256", hex("60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"),
                                               hex("7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"));
    CHECK(verify_digest(public_key.get(), h, HashAlgorithm::Sha256, ecdsa_der_from_raw(signature.r, signature.s)));
  }
}

// RFC 6979 A.2.6: P-384, SHA-256.
TEST_CASE("RFC 6979 A.2.6 P-384 / SHA-256 vectors: nonce and signature") {
  const Bytes q = hex("ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973");
  const Bytes x = hex("6b9d3dad2e1b8c1c05b19875b6659f4de23c3b667bf297ba9aa47740787137d896d5724e4c70a825f872c9ea60d2edf5");
  const Vector vectors[] = {
      {"sample",
       "180ae9f9aec5438a44bc159a1fcb277c7be54fa20e7cf404b490650a8acc414e375572342863c899f9f2edf9747a9b60",
       "21b13d1e013c7fa1392d03c5f99af8b30c570c6f98d4ea8e354b63a21d3daa33bde1e888e63355d92fa2b3c36d8fb2cd",
       "f3aa443fb107745bf4bd77cb3891674632068a10ca67e3d45db2266fa7d1feebefdc63eccd1ac42ec0cb8668a4fa0ab0"},
      {"test",
       "0cfac37587532347dc3389fdc98286bba8c73807285b184c83e62e26c401c0faa48dd070ba79921a3457abff2d630ad7",
       "6d6defac9ab64dabafe36c6bf510352a4cc27001263638e5b16d9bb51d451559f918eedaf2293be5b475cc8f0188636b",
       "2d46f3becbcc523d5f1a1256bf0c9b024d879ba9e838144c8ba6baeb4b53b47d51ab373f9845c0514eefb14024787265"},
  };
  auto key = ec_key_from_scalar("secp384r1", x);
  REQUIRE(key);
  for (const auto& v : vectors) {
    Sha256 h = sha256(to_bytes(v.message));
    CHECK(to_hex(rfc6979_nonce(q, x, h, HashAlgorithm::Sha256)) == v.k);
    EcdsaRaw signature = sign_deterministic(key.get(), h, HashAlgorithm::Sha256);
    CHECK(to_hex(signature.r) == v.r);
    CHECK(to_hex(signature.s) == v.s);
  }
}

TEST_CASE("deterministic signer gives the same bytes twice, the random one does not") {
  auto key = pki::PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  Sha256 h = sha256(to_bytes("firmware"));
  Signer deterministic(key.get(), SignOptions{RsaScheme::Pkcs1, true}, "test");
  Signer randomized(key.get(), SignOptions{}, "test");
  CHECK(deterministic.sign_digest(h) == deterministic.sign_digest(h));
  CHECK(randomized.sign_digest(h) != randomized.sign_digest(h));
  CHECK(verify_digest(key.get(), h, HashAlgorithm::Sha256, deterministic.sign_digest(h)));
  CHECK(verify_digest(key.get(), h, HashAlgorithm::Sha256, randomized.sign_digest(h)));
}
