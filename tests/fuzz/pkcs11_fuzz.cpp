// PKCS#11 URIs (RFC 7512, every --key pkcs11:...) and espsecure's --hsm-config INI file. A
// parsed URI written back by format_pkcs11_uri parses to the same attributes (the PIN value is
// written as "***", so it is compared only for being there); redaction never throws.
#include <tuple>

#include "fuzz_support.hpp"
#include "fwprov/pki/pkcs11_uri.hpp"
#include "fwprov/pki/private_key.hpp"

namespace {

auto attributes(const fwprov::pki::Pkcs11Uri& u) {
  return std::tie(u.token, u.manufacturer, u.serial, u.model, u.library_manufacturer, u.library_description, u.library_version,
                  u.slot_manufacturer, u.slot_description, u.slot_id, u.object, u.id, u.type, u.pin_source, u.module_name,
                  u.module_path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  auto text = fuzz::text(data, size);
  (void)pki::is_pkcs11_uri(text);
  (void)pki::redact_pkcs11_uri(text);
  fuzz::expect_kinds({ErrorKind::Input}, [&] {
    auto uri = pki::parse_pkcs11_uri(text);
    auto again = pki::parse_pkcs11_uri(pki::format_pkcs11_uri(uri), "formatted");
    fuzz::require(attributes(uri) == attributes(again), "format_pkcs11_uri round trip");
    fuzz::require(uri.pin_value.has_value() == again.pin_value.has_value(), "format_pkcs11_uri keeps pin-value's presence");
  });
  fuzz::expect_kinds({ErrorKind::Input}, [&] { (void)pki::parse_hsm_config(text, "hsm.ini"); });
  return 0;
}
