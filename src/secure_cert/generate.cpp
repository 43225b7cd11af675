#include "fwprov/secure_cert/generate.hpp"

#include <fmt/core.h>
#include <openssl/rand.h>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/secure_cert/content.hpp"
#include "fwprov/secure_cert/partition.hpp"
#include "fwprov/secure_cert/peripheral_keys.hpp"

namespace fwprov::secure_cert {
namespace {

Bytes random_bytes(std::size_t n) {
  Bytes out(n);
  if (RAND_priv_bytes(out.data(), static_cast<int>(out.size())) != 1) throw Error(ErrorKind::Crypto, "the random generator failed");
  return out;
}

struct LoadedEntry {
  const EntrySpec* spec;
  Bytes raw;  // the file or inline bytes
  std::string origin;
};

LoadedEntry load_entry(const EntrySpec& spec, const std::filesystem::path& csv_folder) {
  LoadedEntry loaded{&spec, {}, {}};
  if (spec.data_type == DataType::File) {
    const auto path = resolve_entry_path(spec, csv_folder);
    loaded.origin = path.string();
    loaded.raw = read_file(path);
  } else {
    loaded.origin = spec.where.to_string();
    loaded.raw = decode_inline_value(spec);
  }
  return loaded;
}

bool is_peripheral_key(const EntrySpec& spec) {
  return spec.type == tlv_type::kPrivKey && (spec.key_mode == KeyMode::RsaDs || spec.key_mode == KeyMode::EcdsaPeripheral);
}

unsigned require_efuse_id(const EntrySpec& spec) {
  if (!spec.efuse_id) throw Error(ErrorKind::Input, spec.where, "a DS / ECDSA peripheral key needs an eFuse key id (efuse_id, --efuse_key_id 0..5)");
  return *spec.efuse_id;
}

class PartitionAssembler {
 public:
  PartitionAssembler(const GenerateRequest& request, GenerateResult& result) : request_(request), result_(result) {}

  // DS TLVs come first, for every peripheral key, in entry order.
  void add_peripheral_tlvs(PartitionBuilder& builder) {
    for (const auto& spec : request_.entries) {
      if (!is_peripheral_key(spec)) continue;
      const unsigned efuse_id = require_efuse_id(spec);
      LoadedEntry loaded = load_entry(spec, request_.csv_folder);
      KeyTlvData key = private_key_tlv_data(loaded.raw, loaded.origin, request_.key_passphrase);
      if (spec.key_mode == KeyMode::RsaDs) {
        if (EVP_PKEY_get_base_id(key.key.get()) != EVP_PKEY_RSA) throw Error(ErrorKind::Crypto, SourceLocation{loaded.origin}, "rsa_ds needs an RSA private key");
        const unsigned bits = static_cast<unsigned>(EVP_PKEY_get_bits(key.key.get()));
        if (spec.key_size != 0 && spec.key_size != bits)
          throw Error(ErrorKind::Crypto, SourceLocation{loaded.origin}, fmt::format("key is RSA-{}, the key size given is {}", bits, spec.key_size));
        const Bytes iv = random_bytes(kDsIvBytes);
        builder.add(Tlv{tlv_type::kDsData, spec.subtype, 0, rsa_ds_data(key.key.get(), hmac_key_for(spec), iv, request_.target_chip)});
        builder.add(Tlv{tlv_type::kDsContext, spec.subtype, 0, rsa_ds_context(efuse_id, bits)});
      } else {
        const unsigned bits = spec.key_size != 0 ? spec.key_size : static_cast<unsigned>(EVP_PKEY_get_bits(key.key.get()));
        require_ecdsa_peripheral(request_.target_chip, bits);
        result_.ecdsa_key = ecdsa_efuse_key(key.key.get(), bits, loaded.origin);
        builder.add(Tlv{tlv_type::kSecCfg, spec.subtype, 0, ecdsa_security_config(efuse_id)});
      }
    }
  }

  void add_entries(PartitionBuilder& builder) {
    for (const auto& spec : request_.entries) {
      if (spec.type == tlv_type::kPrivKey && spec.key_mode == KeyMode::RsaDs) continue;  // replaced by the DS TLVs
      LoadedEntry loaded = load_entry(spec, request_.csv_folder);
      Tlv tlv{spec.type, spec.subtype, 0, {}};
      if (spec.type == tlv_type::kCaCert || spec.type == tlv_type::kDevCert) {
        tlv.data = certificate_tlv_data(loaded.raw, loaded.origin);
      } else if (spec.type == tlv_type::kPrivKey) {
        if (spec.key_mode == KeyMode::None)
          throw Error(ErrorKind::Input, spec.where, "private key row without priv_key_type (plaintext, rsa_ds or ecdsa_peripheral)");
        tlv.data = private_key_tlv_data(loaded.raw, loaded.origin, request_.key_passphrase).data;
        if (spec.key_mode == KeyMode::EcdsaPeripheral) tlv.flags = key_flag::kEcdsaPeripheral;
      } else {
        tlv.data = std::move(loaded.raw);
      }
      builder.add(tlv);
    }
  }

 private:
  ByteView hmac_key_for(const EntrySpec& spec) {
    if (!spec.efuse_key_file.empty()) {
      named_keys_.push_back(read_secret_file(spec.efuse_key_file));
      return named_keys_.back().view();
    }
    if (!request_.hmac_key.empty()) return request_.hmac_key;
    if (!result_.new_hmac_key) result_.new_hmac_key = SecretBytes(random_bytes(kHmacKeyBytes));
    return result_.new_hmac_key->view();
  }

  const GenerateRequest& request_;
  GenerateResult& result_;
  std::vector<SecretBytes> named_keys_;
};

}  // namespace

GenerateResult generate_partition(const GenerateRequest& request) {
  require_supported_chip(request.target_chip);
  if (request.entries.empty()) throw Error(ErrorKind::Usage, "nothing to put in the partition: give --ca-cert/--device-cert/--private-key or --esp_secure_cert_csv");
  GenerateResult result;
  PartitionAssembler assembler(request, result);
  PartitionBuilder unsigned_builder;
  assembler.add_peripheral_tlvs(unsigned_builder);
  assembler.add_entries(unsigned_builder);
  const Bytes& entries = unsigned_builder.bytes();

  if (!request.signing_scheme) {
    PartitionBuilder builder = unsigned_builder;
    builder.add_integrity(0);
    result.partition = builder.bytes();
    return result;
  }
  if (request.signing_keys.empty()) throw Error(ErrorKind::Usage, "--secure-sign needs --signing-key-file");
  PartitionBuilder signatures;
  for (std::size_t i = 0; i < request.signing_keys.size(); ++i)
    signatures.add(signature_tlv(entries, request.signing_keys[i].key, *request.signing_scheme, static_cast<std::uint8_t>(i), request.signing_keys[i].origin));
  // esp_secure_cert_signed.bin: entries, signatures, integrity, end marker.
  PartitionBuilder signed_layout = unsigned_builder;
  signed_layout.append_raw(signatures.bytes());
  result.signed_partition = append_integrity(signed_layout.bytes(), "signed partition").file;
  // esp_secure_cert.bin: the tool's builder still holds the signatures when it generates again,
  // so they come first and the integrity TLV covers both (docs/secure-cert.md).
  PartitionBuilder reference_layout = signatures;
  reference_layout.append_raw(entries);
  reference_layout.add_integrity(0);
  result.partition = reference_layout.bytes();
  return result;
}

}  // namespace fwprov::secure_cert
