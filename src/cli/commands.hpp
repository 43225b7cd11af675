#pragma once
// One setup_<command> per subcommand file; main.cpp registers them in factory-flow order:
// keys and certificates, DER, NVS images, partition table and images, signatures, flashing.
#include <CLI/CLI.hpp>

#include "context.hpp"

namespace fwprov::cli {

void setup_keygen(CLI::App& app, Context& context);
void setup_csr(CLI::App& app, Context& context);
void setup_ca(CLI::App& app, Context& context);
void setup_keys(CLI::App& app, Context& context);
void setup_convert(CLI::App& app, Context& context);
void setup_inspect(CLI::App& app, Context& context);
void setup_nvs(CLI::App& app, Context& context);
void setup_mfg(CLI::App& app, Context& context);
void setup_partitions(CLI::App& app, Context& context);
void setup_otadata(CLI::App& app, Context& context);
void setup_image(CLI::App& app, Context& context);
void setup_sign(CLI::App& app, Context& context);
void setup_verify(CLI::App& app, Context& context);
void setup_encrypt(CLI::App& app, Context& context);
void setup_decrypt(CLI::App& app, Context& context);
void setup_secure_cert(CLI::App& app, Context& context);
void setup_flash(CLI::App& app, Context& context);
void setup_efuse(CLI::App& app, Context& context);
void setup_provision(CLI::App& app, Context& context);
void setup_ledger(CLI::App& app, Context& context);
void setup_ports(CLI::App& app, Context& context);
void setup_help(CLI::App& app, Context& context);

}  // namespace fwprov::cli
