// `fwprov encrypt` / `fwprov decrypt`: pre-encrypt an image for a flash address (espsecure
// encrypt-flash-data / decrypt-flash-data, same options), or turn flash contents back into
// plaintext.
#include <fmt/core.h>

#include <memory>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/numbers.hpp"
#include "fwprov/core/secret.hpp"
#include "fwprov/flashcrypt/flash_crypt.hpp"

namespace fwprov::cli {
namespace {

using namespace fwprov::flashcrypt;

struct FlashCryptArgs {
  std::string keyfile, address, flash_crypt_conf, output, input;
  bool aes_xts = false;
};

std::uint64_t flash_number(const std::string& text, const char* option) {
  const auto value = parse_unsigned(text);
  if (!value) throw Error(ErrorKind::Usage, fmt::format("{} '{}' is not a number (0x hex or decimal)", option, text));
  return *value;
}

std::string scheme_label(const FlashKey& key) {
  if (key.scheme() == Scheme::Esp32) return "ESP32 AES-256 with key tweak";
  return key.material().size() == 64 ? "XTS-AES-256" : "XTS-AES-128";
}

void run_flash_crypt(Context& context, const FlashCryptArgs& args, Direction direction) {
  const Scheme scheme = args.aes_xts ? Scheme::Xts : Scheme::Esp32;
  FlashCryptRequest request;
  request.direction = direction;
  request.address = flash_number(args.address, "--address");
  request.input_name = args.input;
  if (!args.flash_crypt_conf.empty()) {
    if (scheme == Scheme::Xts)
      context.out.warning({SourceLocation{}, "--flash-crypt-conf applies to the ESP32 scheme only; ignored with --aes-xts"});
    else
      request.flash_crypt_conf = static_cast<std::uint32_t>(std::min<std::uint64_t>(flash_number(args.flash_crypt_conf, "--flash-crypt-conf"), 0x100));
  }
  if (scheme == Scheme::Esp32 && request.flash_crypt_conf == 0)
    context.out.warning({SourceLocation{}, "FLASH_CRYPT_CONFIG 0 turns the per-offset key tweak off (not recommended; the bootloader burns 0xf)"});

  const FlashKey key = FlashKey::from_file_bytes(read_secret_file(args.keyfile).view(), scheme, args.keyfile);
  const FlashCryptResult result = transform_flash(read_file(args.input), key, request);
  const char* verb = direction == Direction::Encrypt ? "encrypted" : "decrypted";

  nlohmann::json outputs = nlohmann::json::array();
  if (result.data.empty()) {
    // espsecure writes no file for an empty ESP32 input; fwprov keeps that (docs/encrypt.md).
    context.out.note(fmt::format("{}: empty input, nothing {}; no output file written", args.input, verb));
  } else {
    if (result.padding != 0)
      context.out.note(fmt::format("{}: padded with {} bytes of 0xff to a multiple of 16 before encrypting", args.input, result.padding));
    write_file_atomic(args.output, result.data);
    if (context.options.json)  // hashing 4 MiB costs as much as encrypting it: only when asked
      outputs.push_back({{"path", args.output},
                         {"size", result.data.size()},
                         {"sha256", to_hex(sha256(result.data))},
                         {"kind", direction == Direction::Encrypt ? "encrypted-image" : "decrypted-image"}});
  }
  if (context.options.json) {
    nlohmann::json doc = {{"ok", true},
                          {"operation", direction == Direction::Encrypt ? "encrypt" : "decrypt"},
                          {"scheme", scheme == Scheme::Esp32 ? "esp32" : "xts"},
                          {"key", key.describe()},
                          {"address", request.address},
                          {"padding", result.padding},
                          {"outputs", outputs}};
    if (scheme == Scheme::Esp32) doc["flash_crypt_conf"] = request.flash_crypt_conf;
    return context.out.document(doc);
  }
  if (!result.data.empty())
    context.out.result(fmt::format("{}: {} bytes {} for flash address 0x{:x} ({}, {})", args.output, result.data.size(), verb,
                                   request.address, scheme_label(key), key.describe()));
}

void add_flash_crypt(CLI::App& app, Context& context, Direction direction) {
  const bool encrypt = direction == Direction::Encrypt;
  auto args = std::make_shared<FlashCryptArgs>();
  auto* command = app.add_subcommand(
      encrypt ? "encrypt" : "decrypt",
      encrypt ? "Encrypt an image for a flash address, as the chip's flash encryption would (espsecure encrypt-flash-data)"
              : "Decrypt flash contents read from an address (espsecure decrypt-flash-data)");
  command->add_option("--keyfile,-k", args->keyfile, "Flash encryption key file (raw 16/24/32/64 bytes, e.g. from fwprov keygen --type flash-encryption-*)")
      ->required()->type_name("KEY.bin");
  command->add_option("--address,-a", args->address, "Flash address the data lives at (multiple of 16; 0x hex or decimal)")
      ->required()->type_name("ADDR");
  command->add_option("--flash-crypt-conf,--flash_crypt_conf", args->flash_crypt_conf,
                      "ESP32 only: FLASH_CRYPT_CONFIG eFuse value 0..0xf (default 0xf, what the bootloader burns)")
      ->type_name("CONF");
  command->add_flag("--aes-xts,--aes_xts,-x", args->aes_xts, "XTS-AES scheme (ESP32-S2/S3/C2/C3/C5/C6/H2/P4); without it the ESP32 scheme");
  command->add_option("-o,--output", args->output, encrypt ? "Encrypted file to write" : "Plaintext file to write")
      ->required()->type_name("OUT.bin");
  command->add_option("INPUT", args->input, encrypt ? "Plaintext image (bootloader, app, partition data)" : "Encrypted data read from flash")
      ->required()->type_name("INPUT.bin");
  command->footer(fmt::format(
      "Examples:\n"
      "  fwprov {0} --keyfile key.bin --address 0x10000 --output app.{1}.bin app.bin          # ESP32\n"
      "  fwprov {0} --aes-xts --keyfile key.bin --address 0x0 -o bootloader.{1}.bin bootloader.bin  # ESP32-C3\n"
      "Encrypt each file separately at the address it will be written to. Key files: 32 bytes\n"
      "(ESP32 AES-256 or XTS-AES-128), 24 (ESP32 3/4 coding), 64 (XTS-AES-256), 16 (ESP32-C2 derived).\n"
      "Exit codes: 2 bad address/option, 3 bad input length, 4 file I/O, 5 wrong key size. See docs/encrypt.md.",
      encrypt ? "encrypt" : "decrypt", encrypt ? "enc" : "dec"));
  command->callback([&context, args, direction] { run_flash_crypt(context, *args, direction); });
}

}  // namespace

void setup_encrypt(CLI::App& app, Context& context) { add_flash_crypt(app, context, Direction::Encrypt); }
void setup_decrypt(CLI::App& app, Context& context) { add_flash_crypt(app, context, Direction::Decrypt); }

}  // namespace fwprov::cli
